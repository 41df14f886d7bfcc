"""The guidance and lists the policy encodes, each with the day it was published or applies.

Red flags are indicators for a person to weigh. The US guidance below binds no one by
itself; it tells exporters (and banks) what to look for before they release goods to a
known transshipment point for Russia. A finding cites only what existed on the law date.
"""

from datetime import date

# Russia's full-scale invasion of Ukraine. A company founded *after* it in a
# transshipment point is a red flag (FIN-2023-Alert004); the policy applies from this day.
INVASION = date(2022, 2, 24)

# FinCEN & BIS joint alert FIN-2022-Alert003: 18 common transshipment points for Russia
# and Belarus (Armenia, Georgia, Kazakhstan and Kyrgyzstan among them) and red flags, among
# them a freight forwarder listed as the product's final end customer and payment from a
# third country.
FIN_2022_ALERT003 = date(2022, 6, 28)
ALERT003 = "FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022)"

# FinCEN & BIS joint alert FIN-2023-Alert004: nine priority HS codes, and due diligence on
# the customer's date of incorporation (after 24 Feb 2022) and on whether its line of
# business fits the items ordered.
FIN_2023_ALERT004 = date(2023, 5, 19)
ALERT004 = "FinCEN/BIS FIN-2023-Alert004 (19 May 2023)"

# BIS "Know Your Customer" guidance and red flags (Supplement No. 3 to 15 CFR part 732):
# among them "the product's capabilities do not fit the buyer's line of business", "a
# freight forwarding firm is listed as the product's final destination", "the shipping
# route is abnormal for the product and destination", "the customer has little or no
# business background".
KYC = "15 CFR 732 Supp. 3"

# Reg. (EU) 833/2014 Art. 12g (inserted by Reg. (EU) 2023/2878): the no-Russia clause for
# Annex XL goods sold to third countries, from 20 Mar 2024.
ART_12G_FROM = date(2024, 3, 20)
ART_12G = "Reg. (EU) 833/2014 Art. 12g"

# Reg. (EU) 833/2014 Art. 12gb (inserted by Reg. (EU) 2024/1745): assess and document the
# risk of re-export to Russia of Annex XL goods sold to third countries, from 26 Dec 2024.
ART_12GB_FROM = date(2024, 12, 26)
ART_12GB = "Reg. (EU) 833/2014 Art. 12gb"

# Treaty on the Eurasian Economic Union (29 May 2014): Armenia, Belarus, Kazakhstan,
# Kyrgyzstan and Russia share one customs territory, so goods in free circulation in
# Kyrgyzstan reach Russia across Kazakhstan without a customs border.
EAEU_TREATY = "Treaty on the Eurasian Economic Union (29 May 2014)"
