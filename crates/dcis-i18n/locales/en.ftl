# dcis — English message catalogue.
# Keys are shared with lo.ftl; a test keeps both key sets identical.

## Application
app-name = Drug Control Information System
app-short = DCIS
footer-synthetic = Demo and test data in this system are synthetic.

## Navigation
nav-main = Main navigation
nav-home = Home
nav-geography = Geography
nav-crossings = Border crossings
nav-users = Users
nav-organisations = Organisations
nav-audit = Audit log
nav-logout = Log out

## Log-in
login-title = Log in
login-submit = Log in
login-failed = Wrong user name or password, or the account is disabled.
login-throttled = Too many failed log-ins. Wait 15 minutes, then try again, or ask an administrator to reset your password.
login-expired = Your session has ended. Please log in again.
login-demo = Demo instance. Try:

## Home
home-welcome = Welcome
home-you = Your account
home-installation = Installation
home-provinces = provinces
home-districts = districts
home-crossings = border crossings
home-organisations = organisations
home-users = users

## Generic
form-save = Save
form-has-errors = Some fields need correcting; see the messages below each field.
filter-text = Search
filter-all = All
filter-apply = Apply
list-total = Total
list-empty = Nothing to show.
pager-prev = Previous
pager-next = Next
pager-older = Older entries
never = never

## Fields
field-username = User name
field-display-name = Display name
field-password = Password
field-current-password = Current password
field-new-password = New password
field-confirm-password = Repeat the new password
field-unit = Unit
field-organisation = Organisation
field-role = Role
field-scope = Geographic scope
field-clearance = Clearance
field-language = Language
field-name = Name
field-name-en = Name (English)
field-name-lo = Name (Lao)
field-code = Code
field-kind = Kind
field-province = Province
field-district = District
field-place = Place
field-latitude = Latitude
field-longitude = Longitude
field-coordinates = Coordinates
field-counterpart = Counterpart across the border
field-counterpart-country = Country across the border
field-counterpart-name = Counterpart post
field-border-type = Border type
field-has-blo = A Border Liaison Office works here
field-notes = Notes
field-expires-in-days = Expires after (days)
field-iso-code = ISO code
field-country = Country
field-user = User

## Hints
hint-username = 3–64 characters: lower-case letters, digits, dot, hyphen, underscore; starts with a letter.
hint-password = At least 12 characters. A sentence is easier to remember than symbols.
hint-password-generated = Leave empty to generate a strong password, shown once.
hint-org-code = 2–20 capital letters, digits or hyphens, e.g. CNP or CUS-BK.
hint-org-province = Leave as national for national bodies.
hint-district-code = Four digits, province first (e.g. 0501); optional.
hint-country = Two letters, e.g. TH, CN, MM, VN, KH.
hint-optional = optional
hint-expires = Leave empty for a token that does not expire.

## Scopes, roles, clearances, kinds
scope-national = National
scope-provinces = Selected provinces
role-administrator = Administrator
role-data-clerk = Data clerk
role-analyst = Analyst
role-supervisor = Supervisor
role-liaison-officer = Liaison officer
clearance-unclassified = Unclassified
clearance-restricted = Restricted
clearance-confidential = Confidential
clearance-secret = Secret
kind-national-commission = National commission
kind-counter-narcotics-police = Counter-narcotics police
kind-customs = Customs
kind-border-liaison-office = Border Liaison Office
kind-provincial-committee = Provincial committee
kind-treatment-site = Treatment site
kind-partner-organisation = Partner organisation
kind-other = Other
border-land = Land
border-river = River
border-air = Air

## Users
users-title = Users
users-new = New user
users-include-disabled = Include disabled users
user-disabled = disabled
user-actions = Actions
user-disable = Disable user
user-disable-confirm = Disable this user? Their sessions end at once.
user-enable = Enable user
user-reset-password = Reset password
user-reset-confirm = Reset this user's password? A new one is generated and their sessions end.
secret-password-once = The new password is shown only this once. Give it to the user in person; they should change it at their first log-in.
secret-token-once = Copy the token now: it is shown only this once and cannot be recovered.
secret-copy = Copy
secret-continue = Continue

## Account
account-title = My account
account-password = Change password
account-change-password = Change password
account-sessions = Where you are logged in
account-logout-everywhere = Log out everywhere
account-logout-everywhere-confirm = End every session of yours, on every device, including this one?
sessions-started = Started
sessions-last-seen = Last seen
sessions-address = Address
sessions-agent = Browser
sessions-this = this session

## API tokens
tokens-title = API tokens
tokens-help = Tokens let scripts use the JSON API at /api/v1 with "Authorization: Bearer TOKEN". A token acts with its own role and never more than yours.
tokens-none = No tokens.
tokens-create = Create token
tokens-created = Created
tokens-expires = Expires
tokens-last-used = Last used
tokens-state = State
tokens-revoke = Revoke
token-active = active
token-expired = expired
token-revoked = revoked

## Organisations
orgs-title = Organisations
orgs-new = New organisation
orgs-create = Create organisation
orgs-units = Units
units-new = New unit
units-create = Create unit

## Geography
geo-title = Provinces and districts
geo-source = Codes and names from the OCHA administrative boundaries and ISO 3166-2:LA (see data/reference/SOURCES.md).
geo-villages = Villages
geo-no-villages = No villages recorded in this district yet.
geo-add-village = Add village
crossings-title = Border crossings and Border Liaison Offices
crossings-new = New border crossing
crossings-create = Add border crossing

## Audit
audit-title = Audit log
audit-help = Every change is appended to a hash-chained log in the same transaction as the change.
audit-entries = Entries
audit-record = Record
audit-hash = Hash
audit-verify = Verify the chain
audit-verify-ok = The audit chain is intact: { $count } entries verified.
audit-verify-broken = The audit chain is broken
history-title = History
history-empty = No history.
history-when = When
history-who = Who
history-what = What
history-changes = Changes
action-create = created
action-update = changed
action-delete = deleted
action-event = event
action-read = read
event-login = logged in
event-logout = logged out
event-login-refused-disabled = log-in refused: account disabled
event-sessions-ended = sessions ended
event-password-changed = password changed
event-event = event
entity-installation = installation
entity-province = province
entity-district = district
entity-village = village
entity-border-crossing = border crossing
entity-organisation = organisation
entity-unit = unit
entity-user = user
entity-api-token = API token

## Confirmations
flash-saved = Saved.
flash-user-created = User created.
flash-user-disabled = User disabled; their sessions have ended.
flash-user-enabled = User enabled.
flash-password-reset = Password reset; the user's sessions have ended.
flash-password-changed = Your password has been changed. Your other sessions have ended.
flash-logged-out = You have logged out.
flash-logged-out-everywhere = You have been logged out on every device.
flash-token-revoked = Token revoked.
flash-unit-created = Unit created.
flash-village-added = Village added.
flash-crossing-added = Border crossing added.

## Errors (pages and API)
error-status = Status
error-home = Go to the home page
error-not-found = This page or record does not exist, or you may not see it.
error-method = This address does not accept that kind of request.
error-internal = Something went wrong on the server. The problem has been logged; try again later.
error-validation = Some values are not valid.
error-unauthenticated = You need to log in.
error-token-invalid = The API token is unknown, revoked or expired.
error-throttled = Too many attempts. Wait, then try again.
error-csrf = This form has expired or did not come from this site. Go back, reload the page and submit again.
error-session-expired = Your session has ended. Log in again, then repeat what you were doing.
error-too-large = The request is too large.
error-timeout = The request took too long. Try again.
error-media-type = Send the request body as JSON (Content-Type: application/json).
error-json = The request body is not valid JSON of the expected shape: { $detail }
error-bad-request = The request is malformed.
denied-permission = Your role does not allow this.
denied-outside-scope = This lies outside your geographic scope.
denied-scope-beyond-own = You cannot give a scope wider than your own.
denied-clearance-above-own = You cannot give a clearance higher than your own.
denied-role-above-own = A token cannot have a role with more rights than yours.
denied-token-mint = An API token cannot create other tokens; log in to do this.

## Field errors
err-required = Required.
err-too-long = Too long: at most { $max } characters.
err-control-chars = Contains control characters.
err-choice = "{ $value }" is not one of the allowed choices.
err-number = "{ $value }" is not a number.
err-range = Must be between { $min } and { $max }.
err-username-length = A user name has 3 to 64 characters.
err-username-chars = A user name uses lower-case letters, digits, dot, hyphen and underscore, and starts with a letter.
err-username-taken = This user name is already taken.
err-password-short = At least { $min } characters.
err-password-weak = Choose a password that is not one character repeated.
err-password-username = The password must not contain the user name.
err-password-current = The current password is not correct.
err-password-mismatch = The two new passwords differ.
err-province-code = "{ $value }" is not a province code (two digits, e.g. 05).
err-province-unknown = There is no province { $value }.
err-district-code = "{ $value }" is not a district code (four digits, province first, e.g. 0501).
err-district-unknown = There is no district { $value }.
err-district-outside-province = District { $district } is not in province { $province }.
err-iso-code = "{ $value }" is not an ISO 3166-2:LA code.
err-country-code = "{ $value }" is not a two-letter country code.
err-counterpart-is-lao = The country across the border cannot be Lao PDR.
err-latitude = Latitude must be between -90 and 90.
err-longitude = Longitude must be between -180 and 180.
err-outside-country = These coordinates are outside Lao PDR.
err-org-code = "{ $value }" is not a valid code: 2–20 capital letters, digits or hyphens.
err-org-code-taken = Another organisation already has this code.
err-organisation-unknown = Choose an existing organisation.
err-unit-unknown = Choose an existing unit.
err-unit-name-taken = This organisation already has a unit with this name.
err-village-taken = This district already has a village with this name.
err-crossing-taken = A border crossing with this name already exists.
err-scope-empty = Choose national, or at least one province.
err-own-admin-role = You cannot remove your own administrator role.
err-disable-self = You cannot disable yourself.
field-installation = Installation
err-already-initialised = This database is already initialised; nothing was changed. Use `dcis serve`, or another --data-dir / --database-url.
