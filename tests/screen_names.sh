# screen_names.sh: the names tests/screen.sh and bench/screen.sh screen. Sourced, not run.
#
# LISTED: parties on the bundled lists (data/lists, 2026-07-31), written as ERPs write them: legal
# forms varied or left out, aliases, words in another order, a missing space, a one-letter typo in
# a long name, an extra branch or city. "NAME<TAB>CC" screens with a country. Each must be found
# (hit or review).
LISTED=$(cat <<'NAMES'
Huawei Technologies Co Ltd
HUAWEI TECHNOLOGIES CO.,LTD.	CN
HuaweiTechnologies Co., Ltd.
Huawei Technologies Co., Ltd. Shenzhen Branch	CN
Hikvision Digital Technology Co Ltd Hangzhou
Hangzhou Hikvison Digital Technology
Zhejiang Dahua Technology Co., Ltd.
Inspur Group Co Ltd
Inspur Electronic Information Industry Co.,Ltd
Sugon Information Industry
Dawning Information Industry Co., Ltd
iFlytek Co., Ltd.
Megvii Technology Ltd
SenseTime Group Ltd
Beijing SenseTime Technology Development Co Ltd
Yangtze Memory Technologies Company Limited
YMTC
Tianjin Phytium Information Technology Co., Ltd.
Shanghai Micro Electronics Equipment Group Co Ltd
Harbin Institute of Technology
Northwestern Polytechnical University, Xi'an
National University of Defense Technology
Kaspersky Lab AO
Almaz-Antey Concern JSC
Kalashnikov Concern JSC
Rosoboronexprot
ZTE Parisan
Transneft PJSC
Rosneft Oil Company OJSC
Gazprombank JSC
Tactical Missiles Corp JSC
United Aircraft Corp PJSC	RU
Uralvagonzavod OAO
Mikron PJSC
Moore Threads Intelligent Technology Beijing
Biren Technology Co., Ltd.
Sophgo Technologies Ltd
Loongson Technology Corp Ltd
CloudWalk Technology Co Ltd
FiberHome Technologies Group
SZ DJI Technology Co Ltd
China Electronics Technology Group Corp
Aviation Industry Corporation of China
Mahan Airways
Islamic Republic of Iran Shipping Lines
Wagner Group
Corad Technology Ltd	HK
Semiconductor Manufacturing Intl Corp
Northwestern Polytechnical Univ.
Sinno Electronics Co Ltd
Yitu Technologies Ltd
Shenzhen DJI Innovation Technology Co., Ltd.
NAMES
)

# CLEAR: real organisations on none of the lists (each checked against the bundled CSV's names and
# aliases; several share a word with a listed party: Apple, Toyota, Micron, Alphabet, Meta, Delta,
# Roche, Accenture). Each must come back clear.
CLEAR=$(cat <<'NAMES'
Apple Inc.
Microsoft Corporation
Siemens AG
Toyota Motor Corporation
Nestlé S.A.
Volkswagen AG
BASF SE
Robert Bosch GmbH
Koninklijke Philips N.V.
ASML Holding N.V.
Infineon Technologies AG
STMicroelectronics N.V.
NXP Semiconductors N.V.
Taiwan Semiconductor Manufacturing Company Limited	TW
Samsung Electronics Co., Ltd.	KR
SK hynix Inc.
Sony Group Corporation	JP
Panasonic Holdings Corporation
Hitachi, Ltd.
Fujitsu Limited
Canon Inc.
Nikon Corporation
Tokyo Electron Limited
Dell Technologies Inc.
Hewlett Packard Enterprise Company
Cisco Systems, Inc.
Intel Corporation
Advanced Micro Devices, Inc.
NVIDIA Corporation
Qualcomm Incorporated
Broadcom Inc.
Texas Instruments Incorporated
Micron Technology, Inc.	US
Airbus SE
The Boeing Company
Lockheed Martin Corporation
Rolls-Royce Holdings plc
Unilever PLC
A.P. Møller - Mærsk A/S
HSBC Holdings plc
Infosys Limited
Wipro Limited
Reliance Industries Limited
Hon Hai Precision Industry Co., Ltd.
Lenovo Group Limited
Alibaba Group Holding Limited
Accenture plc
SAP SE
Telefonaktiebolaget LM Ericsson
Nokia Oyj
Schneider Electric SE
ABB Ltd
Equinor ASA
Embraer S.A.
Novartis AG
Pfizer Inc.
Meta Platforms, Inc.
Oracle Corporation
Intl Business Machines Corp
MediaTek Inc.
ASUSTeK Computer Inc.
Super Micro Computer, Inc.
Roche Holding AG
NAMES
)

# NEAR: real organisations on no list whose names are all but those of listed parties (Alphabet
# Inc. and ALPHABET INTERNATIONAL DMCC, an SDN; Delta Electronics and the Entity List's "Delta
# Electronic"). Words and a country cannot tell them apart: they must go to a person (hit or
# review), and are counted in neither rate.
NEAR=$(cat <<'NAMES'
Alphabet Inc.	US
Delta Electronics, Inc.	TW
NAMES
)
