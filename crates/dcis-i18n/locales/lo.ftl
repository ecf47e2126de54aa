# dcis — Lao message catalogue (ບັນຊີຂໍ້ຄວາມພາສາລາວ).
# Keys are shared with en.ftl; a test keeps both key sets identical.

## Application
app-name = ລະບົບຂໍ້ມູນຂ່າວສານການຄວບຄຸມຢາເສບຕິດ
app-short = DCIS
footer-synthetic = ຂໍ້ມູນສາທິດ ແລະ ຂໍ້ມູນທົດສອບໃນລະບົບນີ້ແມ່ນຂໍ້ມູນສົມມຸດ.

## Navigation
nav-main = ເມນູຫຼັກ
nav-home = ໜ້າຫຼັກ
nav-geography = ພູມສາດ
nav-crossings = ດ່ານຊາຍແດນ
nav-users = ຜູ້ໃຊ້
nav-organisations = ອົງການ
nav-audit = ບັນທຶກການກວດສອບ
nav-logout = ອອກຈາກລະບົບ

## Log-in
login-title = ເຂົ້າສູ່ລະບົບ
login-submit = ເຂົ້າສູ່ລະບົບ
login-failed = ຊື່ຜູ້ໃຊ້ ຫຼື ລະຫັດຜ່ານບໍ່ຖືກຕ້ອງ, ຫຼື ບັນຊີຖືກປິດການນຳໃຊ້.
login-throttled = ເຂົ້າສູ່ລະບົບບໍ່ສຳເລັດຫຼາຍເທື່ອເກີນໄປ. ກະລຸນາລໍຖ້າ 15 ນາທີ ແລ້ວລອງໃໝ່, ຫຼື ຂໍໃຫ້ຜູ້ບໍລິຫານລະບົບຕັ້ງລະຫັດຜ່ານຂອງທ່ານໃໝ່.
login-expired = ເຊດຊັນຂອງທ່ານໄດ້ສິ້ນສຸດແລ້ວ. ກະລຸນາເຂົ້າສູ່ລະບົບອີກຄັ້ງ.
login-demo = ລະບົບສາທິດ. ທົດລອງໃຊ້:

## Home
home-welcome = ຍິນດີຕ້ອນຮັບ
home-you = ບັນຊີຂອງທ່ານ
home-installation = ການຕິດຕັ້ງລະບົບ
home-provinces = ແຂວງ
home-districts = ເມືອງ
home-crossings = ດ່ານຊາຍແດນ
home-organisations = ອົງການ
home-users = ຜູ້ໃຊ້

## Generic
form-save = ບັນທຶກ
form-has-errors = ມີບາງຊ່ອງທີ່ຕ້ອງແກ້ໄຂ; ກະລຸນາເບິ່ງຂໍ້ຄວາມໃຕ້ແຕ່ລະຊ່ອງ.
filter-text = ຄົ້ນຫາ
filter-all = ທັງໝົດ
filter-apply = ກັ່ນຕອງ
list-total = ລວມທັງໝົດ
list-empty = ບໍ່ມີຂໍ້ມູນສະແດງ.
pager-prev = ກ່ອນໜ້າ
pager-next = ຖັດໄປ
pager-older = ລາຍການເກົ່າກວ່າ
never = ບໍ່ເຄີຍ

## Fields
field-username = ຊື່ຜູ້ໃຊ້
field-display-name = ຊື່ທີ່ສະແດງ
field-password = ລະຫັດຜ່ານ
field-current-password = ລະຫັດຜ່ານປັດຈຸບັນ
field-new-password = ລະຫັດຜ່ານໃໝ່
field-confirm-password = ປ້ອນລະຫັດຜ່ານໃໝ່ອີກຄັ້ງ
field-unit = ໜ່ວຍງານ
field-organisation = ອົງການ
field-role = ບົດບາດ
field-scope = ຂອບເຂດພື້ນທີ່
field-clearance = ລະດັບຄວາມລັບ
field-language = ພາສາ
field-name = ຊື່
field-name-en = ຊື່ (ພາສາອັງກິດ)
field-name-lo = ຊື່ (ພາສາລາວ)
field-code = ລະຫັດ
field-kind = ປະເພດ
field-province = ແຂວງ
field-district = ເມືອງ
field-place = ສະຖານທີ່
field-latitude = ເສັ້ນຂະໜານ
field-longitude = ເສັ້ນແວງ
field-coordinates = ພິກັດ
field-counterpart = ດ່ານຄູ່ຮ່ວມຢູ່ອີກຟາກຊາຍແດນ
field-counterpart-country = ປະເທດຢູ່ອີກຟາກຊາຍແດນ
field-counterpart-name = ດ່ານຄູ່ຮ່ວມ
field-border-type = ປະເພດຊາຍແດນ
field-has-blo = ມີຫ້ອງການປະສານງານຊາຍແດນ (BLO) ປະຈຳຢູ່ທີ່ນີ້
field-notes = ໝາຍເຫດ
field-expires-in-days = ໝົດອາຍຸຫຼັງຈາກ (ມື້)
field-iso-code = ລະຫັດ ISO
field-country = ປະເທດ
field-user = ຜູ້ໃຊ້

## Hints
hint-username = 3–64 ຕົວອັກສອນ: ຕົວອັກສອນລາຕິນພິມນ້ອຍ (a–z), ຕົວເລກ, ຈຸດ (.), ຂີດກາງ (-), ຂີດກ້ອງ (_); ຕ້ອງເລີ່ມດ້ວຍຕົວອັກສອນ.
hint-password = ຢ່າງໜ້ອຍ 12 ຕົວອັກສອນ. ປະໂຫຍກໜຶ່ງຈື່ງ່າຍກວ່າສັນຍາລັກ.
hint-password-generated = ປ່ອຍຫວ່າງໄວ້ເພື່ອໃຫ້ລະບົບສ້າງລະຫັດຜ່ານທີ່ປອດໄພ, ເຊິ່ງຈະສະແດງພຽງຄັ້ງດຽວ.
hint-org-code = 2–20 ຕົວອັກສອນລາຕິນພິມໃຫຍ່ (A–Z), ຕົວເລກ ຫຼື ຂີດກາງ, ເຊັ່ນ: CNP ຫຼື CUS-BK.
hint-org-province = ສຳລັບອົງການຂັ້ນສູນກາງ ໃຫ້ປ່ອຍໄວ້ເປັນ "ທົ່ວປະເທດ".
hint-district-code = ຕົວເລກ 4 ຫຼັກ, ເລີ່ມດ້ວຍລະຫັດແຂວງ (ເຊັ່ນ: 0501); ບໍ່ບັງຄັບ.
hint-country = ຕົວອັກສອນ 2 ຕົວ, ເຊັ່ນ: TH, CN, MM, VN, KH.
hint-optional = ບໍ່ບັງຄັບ
hint-expires = ປ່ອຍຫວ່າງໄວ້ສຳລັບໂທເຄັນທີ່ບໍ່ມີວັນໝົດອາຍຸ.

## Scopes, roles, clearances, kinds
scope-national = ທົ່ວປະເທດ
scope-provinces = ແຂວງທີ່ເລືອກ
role-administrator = ຜູ້ບໍລິຫານລະບົບ
role-data-clerk = ພະນັກງານປ້ອນຂໍ້ມູນ
role-analyst = ນັກວິເຄາະ
role-supervisor = ຜູ້ຄຸ້ມຄອງ
role-liaison-officer = ເຈົ້າໜ້າທີ່ປະສານງານ
clearance-unclassified = ທົ່ວໄປ
clearance-restricted = ຈຳກັດ
clearance-confidential = ລັບ
clearance-secret = ລັບສຸດຍອດ
kind-national-commission = ຄະນະກຳມະການແຫ່ງຊາດ
kind-counter-narcotics-police = ຕຳຫຼວດສະກັດກັ້ນຢາເສບຕິດ
kind-customs = ພາສີ
kind-border-liaison-office = ຫ້ອງການປະສານງານຊາຍແດນ (BLO)
kind-provincial-committee = ຄະນະກຳມະການຂັ້ນແຂວງ
kind-treatment-site = ສະຖານບຳບັດປິ່ນປົວ
kind-partner-organisation = ອົງການຄູ່ຮ່ວມງານ
kind-other = ອື່ນໆ
border-land = ທາງບົກ
border-river = ທາງແມ່ນ້ຳ
border-air = ທາງອາກາດ

## Users
users-title = ຜູ້ໃຊ້
users-new = ຜູ້ໃຊ້ໃໝ່
users-include-disabled = ລວມທັງຜູ້ໃຊ້ທີ່ຖືກປິດການນຳໃຊ້
user-disabled = ຖືກປິດການນຳໃຊ້
user-actions = ການດຳເນີນການ
user-disable = ປິດການນຳໃຊ້ຜູ້ໃຊ້
user-disable-confirm = ປິດການນຳໃຊ້ຜູ້ໃຊ້ນີ້ບໍ? ເຊດຊັນທັງໝົດຂອງຜູ້ໃຊ້ນີ້ຈະສິ້ນສຸດທັນທີ.
user-enable = ເປີດການນຳໃຊ້ຜູ້ໃຊ້
user-reset-password = ຕັ້ງລະຫັດຜ່ານໃໝ່
user-reset-confirm = ຕັ້ງລະຫັດຜ່ານຂອງຜູ້ໃຊ້ນີ້ໃໝ່ບໍ? ລະບົບຈະສ້າງລະຫັດຜ່ານໃໝ່ ແລະ ເຊດຊັນຂອງຜູ້ໃຊ້ນີ້ຈະສິ້ນສຸດ.
secret-password-once = ລະຫັດຜ່ານໃໝ່ຈະສະແດງພຽງຄັ້ງນີ້ເທົ່ານັ້ນ. ກະລຸນາມອບໃຫ້ຜູ້ໃຊ້ໂດຍກົງ; ຜູ້ໃຊ້ຄວນປ່ຽນລະຫັດຜ່ານເມື່ອເຂົ້າສູ່ລະບົບຄັ້ງທຳອິດ.
secret-token-once = ກະລຸນາສຳເນົາໂທເຄັນດຽວນີ້: ໂທເຄັນຈະສະແດງພຽງຄັ້ງນີ້ເທົ່ານັ້ນ ແລະ ບໍ່ສາມາດກູ້ຄືນໄດ້.
secret-copy = ສຳເນົາ
secret-continue = ສືບຕໍ່

## Account
account-title = ບັນຊີຂອງຂ້ອຍ
account-password = ປ່ຽນລະຫັດຜ່ານ
account-change-password = ປ່ຽນລະຫັດຜ່ານ
account-sessions = ບ່ອນທີ່ທ່ານກຳລັງເຂົ້າສູ່ລະບົບ
account-logout-everywhere = ອອກຈາກລະບົບທຸກອຸປະກອນ
account-logout-everywhere-confirm = ສິ້ນສຸດທຸກເຊດຊັນຂອງທ່ານ ໃນທຸກອຸປະກອນ ລວມທັງອຸປະກອນນີ້ບໍ?
sessions-started = ເລີ່ມເມື່ອ
sessions-last-seen = ໃຊ້ງານຫຼ້າສຸດ
sessions-address = ທີ່ຢູ່ເຄືອຂ່າຍ
sessions-agent = ໂປຣແກຣມທ່ອງເວັບ
sessions-this = ເຊດຊັນນີ້

## API tokens
tokens-title = ໂທເຄັນ API
tokens-help = ໂທເຄັນຊ່ວຍໃຫ້ສະຄຣິບໃຊ້ JSON API ທີ່ /api/v1 ດ້ວຍ "Authorization: Bearer TOKEN". ໂທເຄັນເຮັດວຽກຕາມບົດບາດຂອງຕົນເອງ ແລະ ບໍ່ມີສິດເກີນກວ່າສິດຂອງທ່ານ.
tokens-none = ບໍ່ມີໂທເຄັນ.
tokens-create = ສ້າງໂທເຄັນ
tokens-created = ສ້າງເມື່ອ
tokens-expires = ໝົດອາຍຸ
tokens-last-used = ໃຊ້ຫຼ້າສຸດ
tokens-state = ສະຖານະ
tokens-revoke = ຍົກເລີກ
token-active = ໃຊ້ງານໄດ້
token-expired = ໝົດອາຍຸແລ້ວ
token-revoked = ຖືກຍົກເລີກ

## Organisations
orgs-title = ອົງການ
orgs-new = ອົງການໃໝ່
orgs-create = ສ້າງອົງການ
orgs-units = ໜ່ວຍງານ
units-new = ໜ່ວຍງານໃໝ່
units-create = ສ້າງໜ່ວຍງານ

## Geography
geo-title = ແຂວງ ແລະ ເມືອງ
geo-source = ລະຫັດ ແລະ ຊື່ອ້າງອີງຕາມຂອບເຂດການປົກຄອງຂອງ OCHA ແລະ ISO 3166-2:LA (ເບິ່ງ data/reference/SOURCES.md).
geo-villages = ບ້ານ
geo-no-villages = ຍັງບໍ່ມີບ້ານທີ່ບັນທຶກໄວ້ໃນເມືອງນີ້.
geo-add-village = ເພີ່ມບ້ານ
crossings-title = ດ່ານຊາຍແດນ ແລະ ຫ້ອງການປະສານງານຊາຍແດນ
crossings-new = ດ່ານຊາຍແດນໃໝ່
crossings-create = ເພີ່ມດ່ານຊາຍແດນ

## Audit
audit-title = ບັນທຶກການກວດສອບ
audit-help = ທຸກການປ່ຽນແປງຈະຖືກເພີ່ມຕໍ່ທ້າຍບັນທຶກທີ່ເຊື່ອມໂຍງກັນເປັນຕ່ອງໂສ້ດ້ວຍຄ່າແຮຊ ໃນທຸລະກຳດຽວກັນກັບການປ່ຽນແປງນັ້ນ.
audit-entries = ລາຍການບັນທຶກ
audit-record = ຂໍ້ມູນ
audit-hash = ຄ່າແຮຊ
audit-verify = ກວດສອບຕ່ອງໂສ້
audit-verify-ok = ຕ່ອງໂສ້ການກວດສອບຍັງຄົບຖ້ວນ: ກວດສອບແລ້ວ { $count } ລາຍການ.
audit-verify-broken = ຕ່ອງໂສ້ການກວດສອບເສຍຫາຍ
history-title = ປະຫວັດ
history-empty = ບໍ່ມີປະຫວັດ.
history-when = ເວລາ
history-who = ຜູ້ດຳເນີນການ
history-what = ສິ່ງທີ່ເຮັດ
history-changes = ການປ່ຽນແປງ
action-create = ສ້າງ
action-update = ແກ້ໄຂ
action-delete = ລຶບ
action-event = ເຫດການ
action-read = ອ່ານ
event-login = ເຂົ້າສູ່ລະບົບ
event-logout = ອອກຈາກລະບົບ
event-login-refused-disabled = ປະຕິເສດການເຂົ້າສູ່ລະບົບ: ບັນຊີຖືກປິດການນຳໃຊ້
event-sessions-ended = ສິ້ນສຸດເຊດຊັນ
event-password-changed = ປ່ຽນລະຫັດຜ່ານ
event-event = ເຫດການ
entity-installation = ການຕິດຕັ້ງລະບົບ
entity-province = ແຂວງ
entity-district = ເມືອງ
entity-village = ບ້ານ
entity-border-crossing = ດ່ານຊາຍແດນ
entity-organisation = ອົງການ
entity-unit = ໜ່ວຍງານ
entity-user = ຜູ້ໃຊ້
entity-api-token = ໂທເຄັນ API

## Confirmations
flash-saved = ບັນທຶກແລ້ວ.
flash-user-created = ສ້າງຜູ້ໃຊ້ແລ້ວ.
flash-user-disabled = ປິດການນຳໃຊ້ຜູ້ໃຊ້ແລ້ວ; ເຊດຊັນຂອງຜູ້ໃຊ້ນີ້ໄດ້ສິ້ນສຸດແລ້ວ.
flash-user-enabled = ເປີດການນຳໃຊ້ຜູ້ໃຊ້ແລ້ວ.
flash-password-reset = ຕັ້ງລະຫັດຜ່ານໃໝ່ແລ້ວ; ເຊດຊັນຂອງຜູ້ໃຊ້ນີ້ໄດ້ສິ້ນສຸດແລ້ວ.
flash-password-changed = ລະຫັດຜ່ານຂອງທ່ານຖືກປ່ຽນແລ້ວ. ເຊດຊັນອື່ນໆຂອງທ່ານໄດ້ສິ້ນສຸດແລ້ວ.
flash-logged-out = ທ່ານໄດ້ອອກຈາກລະບົບແລ້ວ.
flash-logged-out-everywhere = ທ່ານໄດ້ອອກຈາກລະບົບໃນທຸກອຸປະກອນແລ້ວ.
flash-token-revoked = ຍົກເລີກໂທເຄັນແລ້ວ.
flash-unit-created = ສ້າງໜ່ວຍງານແລ້ວ.
flash-village-added = ເພີ່ມບ້ານແລ້ວ.
flash-crossing-added = ເພີ່ມດ່ານຊາຍແດນແລ້ວ.

## Errors (pages and API)
error-status = ສະຖານະ
error-home = ໄປທີ່ໜ້າຫຼັກ
error-not-found = ບໍ່ມີໜ້າ ຫຼື ຂໍ້ມູນນີ້, ຫຼື ທ່ານບໍ່ມີສິດເບິ່ງ.
error-method = ທີ່ຢູ່ນີ້ບໍ່ຮອງຮັບຄຳຮ້ອງຂໍປະເພດນີ້.
error-internal = ເກີດຂໍ້ຜິດພາດຢູ່ເຊີບເວີ. ບັນຫາໄດ້ຖືກບັນທຶກໄວ້ແລ້ວ; ກະລຸນາລອງໃໝ່ພາຍຫຼັງ.
error-validation = ຂໍ້ມູນບາງຢ່າງບໍ່ຖືກຕ້ອງ.
error-unauthenticated = ທ່ານຕ້ອງເຂົ້າສູ່ລະບົບກ່ອນ.
error-token-invalid = ລະບົບບໍ່ຮູ້ຈັກໂທເຄັນ API ນີ້, ຫຼື ໂທເຄັນຖືກຍົກເລີກ ຫຼື ໝົດອາຍຸແລ້ວ.
error-throttled = ພະຍາຍາມຫຼາຍເທື່ອເກີນໄປ. ກະລຸນາລໍຖ້າ ແລ້ວລອງໃໝ່.
error-csrf = ແບບຟອມນີ້ໝົດອາຍຸແລ້ວ ຫຼື ບໍ່ໄດ້ມາຈາກເວັບໄຊນີ້. ກະລຸນາກັບຄືນ, ໂຫຼດໜ້າຄືນໃໝ່ ແລ້ວສົ່ງອີກຄັ້ງ.
error-session-expired = ເຊດຊັນຂອງທ່ານໄດ້ສິ້ນສຸດແລ້ວ. ກະລຸນາເຂົ້າສູ່ລະບົບອີກຄັ້ງ ແລ້ວເຮັດສິ່ງທີ່ທ່ານກຳລັງເຮັດຄືນໃໝ່.
error-too-large = ຄຳຮ້ອງຂໍມີຂະໜາດໃຫຍ່ເກີນໄປ.
error-timeout = ຄຳຮ້ອງຂໍໃຊ້ເວລາດົນເກີນໄປ. ກະລຸນາລອງໃໝ່.
error-media-type = ກະລຸນາສົ່ງເນື້ອໃນຄຳຮ້ອງຂໍເປັນ JSON (Content-Type: application/json).
error-json = ເນື້ອໃນຄຳຮ້ອງຂໍບໍ່ແມ່ນ JSON ທີ່ຖືກຕ້ອງຕາມຮູບແບບທີ່ກຳນົດ: { $detail }
error-bad-request = ຄຳຮ້ອງຂໍມີຮູບແບບບໍ່ຖືກຕ້ອງ.
denied-permission = ບົດບາດຂອງທ່ານບໍ່ອະນຸຍາດໃຫ້ເຮັດສິ່ງນີ້.
denied-outside-scope = ສິ່ງນີ້ຢູ່ນອກຂອບເຂດພື້ນທີ່ຂອງທ່ານ.
denied-scope-beyond-own = ທ່ານບໍ່ສາມາດກຳນົດຂອບເຂດພື້ນທີ່ກວ້າງກວ່າຂອງທ່ານເອງ.
denied-clearance-above-own = ທ່ານບໍ່ສາມາດກຳນົດລະດັບການອະນຸຍາດເຂົ້າເຖິງຂໍ້ມູນສູງກວ່າຂອງທ່ານເອງ.
denied-role-above-own = ໂທເຄັນບໍ່ສາມາດມີບົດບາດທີ່ມີສິດຫຼາຍກວ່າຂອງທ່ານ.
denied-token-mint = ໂທເຄັນ API ບໍ່ສາມາດສ້າງໂທເຄັນອື່ນໄດ້; ກະລຸນາເຂົ້າສູ່ລະບົບເພື່ອດຳເນີນການນີ້.

## Field errors
err-required = ຈຳເປັນຕ້ອງປ້ອນ.
err-too-long = ຍາວເກີນໄປ: ບໍ່ເກີນ { $max } ຕົວອັກສອນ.
err-control-chars = ມີຕົວອັກສອນຄວບຄຸມທີ່ບໍ່ອະນຸຍາດ.
err-choice = "{ $value }" ບໍ່ແມ່ນໜຶ່ງໃນຕົວເລືອກທີ່ອະນຸຍາດ.
err-number = "{ $value }" ບໍ່ແມ່ນຕົວເລກ.
err-range = ຕ້ອງຢູ່ລະຫວ່າງ { $min } ແລະ { $max }.
err-username-length = ຊື່ຜູ້ໃຊ້ຕ້ອງມີ 3 ຫາ 64 ຕົວອັກສອນ.
err-username-chars = ຊື່ຜູ້ໃຊ້ໃຊ້ໄດ້ສະເພາະຕົວອັກສອນລາຕິນພິມນ້ອຍ, ຕົວເລກ, ຈຸດ, ຂີດກາງ ແລະ ຂີດກ້ອງ, ແລະ ຕ້ອງເລີ່ມດ້ວຍຕົວອັກສອນ.
err-username-taken = ຊື່ຜູ້ໃຊ້ນີ້ຖືກໃຊ້ແລ້ວ.
err-password-short = ຢ່າງໜ້ອຍ { $min } ຕົວອັກສອນ.
err-password-weak = ກະລຸນາເລືອກລະຫັດຜ່ານທີ່ບໍ່ແມ່ນຕົວອັກສອນດຽວຊ້ຳກັນ.
err-password-username = ລະຫັດຜ່ານຕ້ອງບໍ່ມີຊື່ຜູ້ໃຊ້ຢູ່ໃນນັ້ນ.
err-password-current = ລະຫັດຜ່ານປັດຈຸບັນບໍ່ຖືກຕ້ອງ.
err-password-mismatch = ລະຫັດຜ່ານໃໝ່ທັງສອງບໍ່ກົງກັນ.
err-province-code = "{ $value }" ບໍ່ແມ່ນລະຫັດແຂວງ (ຕົວເລກ 2 ຫຼັກ, ເຊັ່ນ: 05).
err-province-unknown = ບໍ່ມີແຂວງ { $value }.
err-district-code = "{ $value }" ບໍ່ແມ່ນລະຫັດເມືອງ (ຕົວເລກ 4 ຫຼັກ, ເລີ່ມດ້ວຍລະຫັດແຂວງ, ເຊັ່ນ: 0501).
err-district-unknown = ບໍ່ມີເມືອງ { $value }.
err-district-outside-province = ເມືອງ { $district } ບໍ່ໄດ້ຢູ່ໃນແຂວງ { $province }.
err-iso-code = "{ $value }" ບໍ່ແມ່ນລະຫັດ ISO 3166-2:LA.
err-country-code = "{ $value }" ບໍ່ແມ່ນລະຫັດປະເທດ 2 ຕົວອັກສອນ.
err-counterpart-is-lao = ປະເທດຢູ່ອີກຟາກຊາຍແດນບໍ່ສາມາດເປັນ ສປປ ລາວ ໄດ້.
err-latitude = ເສັ້ນຂະໜານຕ້ອງຢູ່ລະຫວ່າງ -90 ແລະ 90.
err-longitude = ເສັ້ນແວງຕ້ອງຢູ່ລະຫວ່າງ -180 ແລະ 180.
err-outside-country = ພິກັດເຫຼົ່ານີ້ຢູ່ນອກ ສປປ ລາວ.
err-org-code = "{ $value }" ບໍ່ແມ່ນລະຫັດທີ່ຖືກຕ້ອງ: 2–20 ຕົວອັກສອນລາຕິນພິມໃຫຍ່, ຕົວເລກ ຫຼື ຂີດກາງ.
err-org-code-taken = ມີອົງການອື່ນໃຊ້ລະຫັດນີ້ແລ້ວ.
err-organisation-unknown = ກະລຸນາເລືອກອົງການທີ່ມີຢູ່ແລ້ວ.
err-unit-unknown = ກະລຸນາເລືອກໜ່ວຍງານທີ່ມີຢູ່ແລ້ວ.
err-unit-name-taken = ອົງການນີ້ມີໜ່ວຍງານຊື່ນີ້ແລ້ວ.
err-village-taken = ເມືອງນີ້ມີບ້ານຊື່ນີ້ແລ້ວ.
err-crossing-taken = ມີດ່ານຊາຍແດນຊື່ນີ້ແລ້ວ.
err-scope-empty = ກະລຸນາເລືອກ "ທົ່ວປະເທດ" ຫຼື ຢ່າງໜ້ອຍໜຶ່ງແຂວງ.
err-own-admin-role = ທ່ານບໍ່ສາມາດຖອນບົດບາດຜູ້ບໍລິຫານລະບົບຂອງທ່ານເອງ.
err-disable-self = ທ່ານບໍ່ສາມາດປິດການນຳໃຊ້ບັນຊີຂອງທ່ານເອງ.
field-installation = ການຕິດຕັ້ງ
err-already-initialised = ຖານຂໍ້ມູນນີ້ໄດ້ຖືກຕັ້ງຄ່າແລ້ວ; ບໍ່ມີຫຍັງຖືກປ່ຽນແປງ. ໃຊ້ `dcis serve`, ຫຼື --data-dir / --database-url ອື່ນ.
