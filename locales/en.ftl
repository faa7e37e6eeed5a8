# resolvd's English catalogue: the reference. Every key here must be in every other catalogue
# (locales/<tag>.ftl), taking the same variables; start-up and `resolvd check` stop otherwise.
# Keys are grouped by who reads them. Variables: $ticket is a reference such as T-12.

## Shared words

stars = { $count ->
    [one] { $count } star
   *[other] { $count } stars
}
nobody = nobody
nobody-yet = nobody yet
unclassified = unclassified
join-or = { $init } or { $last }
join-and = { $init } and { $last }
role-plural = { $role ->
    [customer] customers
    [engineer] engineers
    [owner] domain owners
    [manager] managers
    [product_manager] product managers
    [parts] parts keepers
   *[lead] leads
}
role-singular = { $role ->
    [customer] a customer
    [engineer] an engineer
    [owner] a domain owner
    [manager] a manager
    [product_manager] a product manager
    [parts] a parts keeper
   *[lead] a lead
}
role-refused = /{ $command } is for { $allowed }; you are { $yours }
internal-error = An internal error occurred (ref { $reference }); it is logged
no-such-ticket = there is no ticket { $ticket }
no-ticket-here = this conversation has no open ticket; name one with ticket:T-n
long-message = Your message is long ({ $length } characters); all of it is on the ticket.
quote-cut = … ({ $length } characters in all; the ticket has every one)
no-text = (no text)
sent-files = Sent { $files }
kb-not-set-up = the knowledge base is not set up here

## Domain errors: a rule of the ticket life cycle was broken

error-bad-ticket-ref = `{ $text }` is not a ticket reference; write it as T-12
error-closed = { $ticket } is closed; reopen it first
error-resolved = { $ticket } is resolved; reopen it before you { $action ->
    [escalate] escalate
    [resolve] resolve
    [wait] wait for the customer on
   *[raise] raise to S-level
} it
error-nothing-to-classify = give at least one of domain, kind or severity
error-already-assigned = { $ticket } is already assigned to { $assignee }
error-not-assigned = { $ticket } has no assignee
error-top-tier = { $ticket } is already at RnD, the last tier
error-not-higher-tier = escalation moves up: { $ticket } is at { $current }, so it cannot go to { $requested }
error-same-severity = { $ticket } is already { $severity }
error-already-waiting = { $ticket } is already waiting for the customer
error-empty-resolution = a resolution needs text: say what fixed it
error-not-resolved = { $ticket } is not resolved; only a resolved ticket can be confirmed
error-reopen-merged = { $ticket } was merged into another ticket; reopen that one instead
error-not-finished = { $ticket } is { $status }, not resolved or closed; there is nothing to reopen
error-self-link = a ticket cannot be linked to itself
error-s-needs-domain = classify { $ticket } with a domain first: the domain's owners confirm S-level

## To customers

intake-empty = Your message is empty; nothing was sent
intake-staff-help = You are on staff, so this message opens no ticket. To open one for a customer use /ticket customer:… text:…; /help lists your commands
intake-saved-later = We saved your message but could not open a ticket just now; it will be taken in shortly
intake-ack = Thanks, we opened { $ticket } for you. An engineer will reply here; keep writing in this conversation to add to it.
intake-added = Added to { $ticket }. { $note }
intake-slow-down = You are writing faster than we can read (more than { $limit } messages a minute). Every message is kept on { $ticket }; an engineer will read them all.
offer-intro = While you wait, these articles may help with { $ticket }:
offer-outro = If one of them fixes it, press its “solved it” button; otherwise an engineer is on the way.
offer-solved-button = { $number }. solved it
offer-need-help-button = I still need help
offer-asker-only = only the customer who asked can answer these suggestions
offer-not-suggested = `{ $article }` was not suggested for { $ticket }
offer-none-suggested = no articles were suggested for { $ticket }
offer-glad = Glad it helped. { $ticket } is closed.
offer-need-help-thanks = Thanks for trying. An engineer will help you with { $ticket } here.
card-resolved = { $ticket } is resolved: { $resolution }
    Is it fixed? And how did we do, from 1 to 5?
card-reminder = Is { $ticket } fixed? We resolved it: { $resolution }
    If we do not hear from you, we will close it on { $closes }.
card-auto-closed = We closed { $ticket } as we have not heard from you. If it is not fixed after all, write to us and we will help.
card-confirm-button = Yes, it is fixed
card-not-fixed-button = No, it is not fixed
card-confirm-only = only the customer who reported it can confirm this ticket
card-reopen-only = only the customer who reported it can reopen this ticket
card-rate-only = only the customer who reported it can rate this ticket
card-confirmed = Thank you. { $ticket } is closed.
card-not-fixed = Sorry about that. We reopened { $ticket }; tell us what you see.
card-rate-usage = rate { $ticket } from 1 to 5, e.g. rate:{ $ticket }:4
card-rate-too-early = { $ticket } is not resolved yet; rate it once we have fixed it
card-rated = Thank you for rating { $ticket } { $score } out of 5.
close-own-only = only the customer who opened it can close it this way
close-own-done = { $ticket } is closed. Thank you for contacting us.
status-carried-on = { $ticket } was the same problem as { $successor }, so we carry on there.{" "}
status-customer = { $ticket } “{ $title }”: { $standing }
status-working = we are working on it.
status-queued = we have it, and an engineer will pick it up shortly.
status-helping = { $name } is helping you.
status-answer-by = You will hear from us by { $by }.
status-solve-by = We aim to solve it by { $by }.
status-waiting-for-you = waiting for you: please answer our last question here, and we carry on.
status-solved = solved on { $on }, please confirm: press “Yes, it is fixed” on our message, or tell us here if it is not.
status-closed = closed on { $on }. If the problem comes back, write to us here.
sentence-then = { $first } { $next }
list-separator = {", "}
close-own-tickets-only = you may close only your own tickets
close-already = { $ticket } is closed already
close-yes-button = Yes, close it
close-ask = Close { $ticket }? Nobody will work on it after that.
close-press = Press “Yes, close it” to close { $ticket }.
customer-passed-on = We have passed { $ticket } to our { $tier ->
    [L1] first-line support
    [L2] second-line support
   *[RnD] R&D engineering
} team, who will follow up with you.
customer-top-priority = We have made { $ticket } our highest priority: a response team is working on it and will keep you updated here.
customer-relayed = { $name } ({ $ticket }): { $text }
customer-wait-reason = We need something from you to go on with { $ticket }: { $reason }
customer-wait = We are waiting for your reply to go on with { $ticket }.
customer-reopened = We reopened { $ticket } and are working on it again.
customer-update = Update on { $ticket }: { $update }
storm-linked-customer = Other customers are reporting the same problem as your { $ticket }, so we are handling it as one incident ({ $incident }) at our highest priority. You will hear our progress here, and you will confirm the fix for { $ticket } yourself.
storm-update-linked = Update on { $ticket } (incident { $incident }): { $update }

## Slash-command descriptions, as Discord shows them: cmd-<command>[-<subcommand>] is the
## description, each attribute an option's (the English must equal commands/*.toml: a test checks).

cmd-assign = Give a ticket to an engineer
    .user = The engineer who will own the ticket
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-claim = Take a ticket yourself
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .reason = Why you take it over, when someone else has it (they are told)
cmd-classify = Set a ticket's domain, kind and severity
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .domain = The product domain
    .kind = What sort of request it is
    .severity = How severe it is
    .reason = Why, for the timeline
    .reroute = With a new domain, give the ticket to that domain's queue even when someone picked its owner by hand
cmd-close = Close a ticket (customers: your own, after one confirmation)
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .reason = Why it is closed, for the timeline; `spam` closes it as spam, with no word to the sender
cmd-dashboard = Get a private sign-in link to the managers' cockpit (works once, for 10 minutes)
cmd-escalate = Move a ticket up a support tier, or to S-level (a domain owner confirms)
    .reason = Why it needs the next tier
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .to = The tier to move it to (default: the next one), or S for S-level
cmd-help = List the commands you may use, or explain one
    .command = A command to explain, e.g. classify or kb search
cmd-invite = Let someone into an S-level ticket's war room
    .user = Who to let in
    .ticket = The ticket, as T-12; defaults to the ticket of this room
cmd-kb = Search the knowledge base, or grow it from resolved tickets
cmd-kb-search = Search articles (and, for staff, resolved tickets)
    .query = What to look for, in English or Chinese
cmd-kb-add = Draft an article from a resolved ticket's problem and resolution
    .ticket = The resolved ticket, as T-12; defaults to the ticket of this conversation
cmd-kb-publish = Publish a draft article: searchable at once
    .article = The draft's article id, as /kb add printed it
    .problem = The problem in your words for readers; the draft holds the customer's own
    .ticket = The ticket the draft was made from, instead of article
cmd-link = Link a ticket to another; duplicate merges it into the other
    .to = The other ticket, as T-12
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .relation = related (default) or duplicate (closes this one as merged)
cmd-move = Put a customer's message on the ticket it is about
    .message = The message's number, as the staff notice and ticket show give it
    .to = The ticket it is about, as T-12
cmd-note = Add an internal note; the customer never sees it
    .text = The note
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-queue = List open tickets, ten at a time, each with its next SLA deadline
    .view = mine (yours, the default), all, or at-risk (a deadline or warning within the hour)
    .domain = Only tickets of this domain
    .q = Words in the title, a message or the customer
    .page = Which page of ten (1 first)
cmd-reopen = Reopen a resolved or closed ticket
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .reason = Why it is reopened
cmd-reply = Write to the customer in the ticket's conversation (a /note stays internal)
    .text = What the customer reads
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-report = File the incident report of an S-level ticket; archives its war room once closed
    .problem = What happened, as the customer saw it
    .root_cause = Why it happened
    .containment = What stopped it from spreading
    .corrective = What fixed it
    .preventive = What keeps it from happening again
    .ticket = The ticket, as T-12; defaults to the ticket of this room
cmd-resolve = Mark a ticket resolved and ask the customer to confirm
    .resolution = What fixed it, in words the customer understands
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-severity = Change a ticket's severity
    .level = The new severity
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .reason = Why, for the timeline
cmd-sla = Show a ticket's SLA and OLA clocks: elapsed, remaining, paused, breached
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-stats = The cockpit's four indicators over a range of days, in the ops time zone
    .range = today, 7d, 30d (the last N days, today included) or YYYY-MM-DD..YYYY-MM-DD; 7d when left out
    .domain = Only this domain's tickets
cmd-status = Show a ticket's status
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-ticket = Open a ticket on behalf of a customer
    .customer = The customer the ticket is for
    .text = What the customer reported
cmd-timeline = Add an entry to an S-level incident's timeline
    .text = What happened, for the incident timeline
    .ticket = The ticket, as T-12; defaults to the ticket of this room
cmd-unassign = Take a ticket's owner off it
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-update = Send the customer a progress note on an S-level incident
    .text = The progress note the customer reads
    .ticket = The ticket, as T-12; defaults to the ticket of this room
cmd-wait = Mark a ticket as waiting for the customer
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
    .reason = What we are waiting for

## Usage errors: a command typed wrong

usage-no-command = there is no /{ $command } command; /help lists the commands
usage-needs-subcommand = /{ $command } needs a subcommand: { $names }
usage-not-an-option = `{ $word }` is not an option: write name:value, and quote values with spaces (text:"like this")
usage-no-subcommand = /{ $command } has no subcommand `{ $sub }`; use one of { $names }
usage-no-option = /{ $command } has no option `{ $option }`; { $count ->
    [0] it takes no options
   *[other] its options are { $known }
}
usage-twice = /{ $command } got `{ $option }` twice
usage-empty = `{ $option }` is empty in /{ $command }
usage-needs = /{ $command } needs { $option }:… ({ $description })
usage-not-a-number = `{ $value }` is not a whole number for { $option } in /{ $command }
usage-not-a-user = `{ $value }` is not a user id for { $option } in /{ $command }
usage-not-a-choice = `{ $value }` is not a choice for { $option } in /{ $command }; choose one of { $choices }

## Replies to staff commands, in the staff member's language

classify-not-s = S-level needs a domain owner's confirmation: use /escalate to:S reason:…
classify-done = { $ticket } classified: { $summary }
classify-kept = ; { $owner } keeps it (given by hand; reroute:true hands it to the new domain's queue)
classify-rerouted = ; now with { $next }, from the new domain's queue
assign-not-engineer = `{ $user }` is not an engineer; tickets go to engineers
assign-done = { $ticket } assigned to { $user }
assign-from = {" "}(from { $previous }, who is told)
assign-tier = ; it moves to { $tier } with them
escalate-done = { $ticket } escalated to { $to }, now with { $owner }
resolve-done = { $ticket } resolved; the customer was asked to confirm
note-done = Note added to { $ticket } (staff only)
say-what-to-tell = say what to tell the customer in text:…
reply-done = Sent to { $customer } on { $ticket }
severity-done = { $ticket } is now { $level }
wait-done = { $ticket } is waiting for the customer
close-spam = { $ticket } closed as spam
close-done = { $ticket } closed
reopen-done = { $ticket } reopened
ticket-say-what = say what the customer reported in text:…
ticket-done = Opened { $ticket } for { $customer }: { $summary }
timeline-say-what = say what happened in text:…
timeline-done = On the incident timeline of { $ticket }: { $entry }
update-done = Update sent to { $customer } on { $ticket }
invite-not-staff = `{ $user }` is not on staff; war rooms are for staff only
invite-already = { $user } is in the war room of { $ticket } already
invite-done = { $user } is in the war room of { $ticket }
dashboard-not-served = the dashboard is not served here (web.listen is empty, or its address was busy)
dashboard-link = Your sign-in link to the dashboard (it works once, for { $minutes } minutes; do not share it):
    { $link }

## Notices to one staff member, in their language

notice-moved-to-queue = { $actor } moved { $ticket } to your queue: { $title }
notice-given-to-you = { $actor } gave you { $ticket }: { $title }
notice-given-away = { $actor } gave { $ticket } to { $user }; you no longer have it.

## Posts staff share (staff threads, war rooms, ops), in default_locale

staff-closed-own = { $actor } closed { $ticket } themselves.
staff-confirmed = { $actor } confirmed that { $ticket } is fixed; it is closed.
staff-needs-help = { $actor } read the suggested articles and still needs help with { $ticket }.
staff-not-fixed = { $actor } says { $ticket } is not fixed; it is open again, with { $owner }.
staff-rated = { $actor } rated { $ticket } { $score }/5.
staff-self-served = { $actor } says article { $article } solved { $ticket }; it is closed as self-served.
staff-s-declined = { $actor } declined S-level for { $ticket }: { $reason }. It stays { $stays }.
staff-s-confirmed = { $actor } confirmed S-level for { $ticket }; war room { $room } is open with { $roster }.
room-welcome = War room for { $ticket } “{ $title }”, S-level confirmed by { $actor }. Leader: { $leader }.
    Record what happens with /timeline (pinned messages count too), tell the customer with /update, let others in with /invite; closing the ticket asks for the incident report.
none-named = none named
unrated = unrated
s-declined = Declined; { $ticket } stays { $stays }
s-confirmed = { $ticket } is S-level; war room { $room } is open
s-decline-button = Decline, with a reason
s-decline-title = Decline S-level for { $ticket }
s-decline-why = Why is it not S-level?
s-decline-say-why = Say why it is not S-level: press the button and write the reason.
escalate-needs-domain = classify { $ticket } with a domain first: each tier's queue belongs to a domain
claim-refused = { $ticket } is with { $owner }; they can /unassign it, or a manager can /assign it to you
claim-say-why = { $ticket } is with { $owner }; to take it over, say why: /claim ticket:{ $ticket } reason:…
claim-done = { $actor } claimed { $ticket }
claim-from = {" "}from { $owner } ({ $why }); { $owner } is told
notice-taken-from-you = { $actor } took { $ticket } from you: { $why }
outside-queue-refused = { $user } is in none of the { $domain } queues, so { $ticket } cannot go to them (assignment.outside_queue = "refuse")
staff-tier-followed = { $ticket } moved from { $from } to { $to } with { $user }, who has it now.
staff-new-ticket = New ticket { $ticket } from { $customer } ({ $labels }), assigned to { $owner }:
    { $quote }
claim-button = Claim
staff-wrote = { $actor } wrote on { $ticket }{ $how }:
    { $quote }
staff-resumed = The ticket is no longer waiting for the customer.
staff-reopened-by-writing = It was resolved, so it is open again, with { $owner }.
staff-flooding = { $actor } sent more than { $limit } messages within a minute on { $ticket }; they are all on the ticket, and no notice is sent for each.
landed-replied = {" "}(a reply about it)
landed-most-recent = {" "}(the most recently active of their open tickets, beside { $others }; if it is about another: /move message:{ $message } to:T-n)
landed-merged = {" "}(from { $from }, merged into it)

## S-level requests and war rooms

s-no-owner = the { $domain } domain has no owner to confirm S-level; name its owners in domains.toml
s-no-second = you own the { $domain } domain, and S-level needs a second confirmation from another owner or a manager; people.toml names none
s-already-asked = { $ticket } is already waiting for an owner to confirm S-level (asked by { $by })
s-ask-owner = { $actor } asks to raise { $ticket } to S-level: { $reason }
    “{ $title }” · { $labels } · customer { $customer }. Confirming opens a war room.
s-confirm-button = Confirm S-level
s-decline-short-button = Decline
staff-s-asked = { $actor } asked { $asked } to confirm S-level for { $ticket }: { $reason }
s-asked = Asked { $asked } to confirm S-level for { $ticket }
s-no-domain = { $ticket } has no domain, so no S-level request to answer; classify it first
s-owners-only = only the owners of the { $domain } domain ({ $who }) can answer S-level for { $ticket }
s-already = { $ticket } is S-level already
s-nothing-waiting = { $ticket } has no S-level request waiting
s-second-confirmation = you asked for S-level on { $ticket }; { $who } answers it (a second confirmation)
room-archived = the war room of { $ticket } is archived
room-none = { $ticket } has no war room; { $what } is for S-level incidents (/escalate to:S)
room-assignee-joins = { $assignee } now has { $ticket } and joins the war room.
room-file-report = { $ticket } is closed. File the incident report to archive this room: { $usage }
report-button = File the report
room-reopened = { $ticket } is open again, and so is its war room: { $actor } reopened it. /timeline and /update work again; closing it asks for a new incident report.
room-archived-post = The war room of { $ticket } is archived: the incident is closed and its report filed.
room-remind-report = { $ticket } is closed, but its incident report is not filed. { $has_leader ->
    [yes] { $leader }, please file it
   *[no] File it
} to archive this room: { $usage }
room-remind-silent = Nothing new in the war room of { $ticket } for { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}. { $has_leader ->
    [yes] { $leader }, please post
   *[no] Post
} progress with /timeline and tell the customer with /update.

## SLA notices, /sla and the daily digest

none = none
clock-name = { $kind ->
    [response] First response
    [resolution] Resolution
   *[ola] { $tier } OLA
}
sla-warning = { $clock } clock at { $percent }% of its budget; due { $due }.
sla-breach = { $clock } deadline passed ({ $due }).
sla-while-paused = while paused
sla-ola-out-in-incident = The { $tier } OLA ran out; the war room drives this incident, so it is not escalated on its own.
sla-ola-out = The { $from } OLA ran out: escalated to { $to }, now with { $owner }.
sla-room-notice = SLA on { $ticket }:
    { $lines }
sla-notice = SLA on { $ticket } ({ $labels }):
    { $lines }
sla-none = { $ticket } has no SLA yet: classify it with a domain and a severity first
sla-of = SLA of { $ticket } ({ $labels }):
sla-none-while-paused = none while paused
sla-stopped = stopped
sla-paused = paused
sla-breached = BREACHED
sla-clock-line = { $clock }: due { $due }; elapsed { $elapsed }, remaining { $remaining }{ $flags }
digest = Daily digest for { $today }: { $open ->
    [one] { $open } open ticket
   *[other] { $open } open tickets
}.
    Breached: { $breached }
    Resolution due today: { $due_today }

## Links, merges, moves, the knowledge base, reports, unassigning

link-closed = { $to } is closed; merge into an open ticket, or /reopen { $to } first
link-circle = { $to } was merged into { $ticket }; merging back would make a circle
link-already = { $ticket } is already linked to { $to }
link-done = { $ticket } linked to { $to }
link-merged = { $ticket } merged into { $to }
customer-merged = { $ticket } is the same problem as { $to }; we will follow up there, and you will hear from us here as it goes on.
staff-merged = { $actor } merged { $ticket } into { $to }: its customer { $customer } now hears what { $to }'s customer hears, and their messages land here.
move-no-message = there is no message { $message } on a ticket
move-already = message { $message } is on { $to } already
move-closed = { $to } is closed; /reopen it first, or move the message elsewhere
move-other-customer = message { $message } is from { $author }, and { $to } is { $customer }'s ticket; a message moves only between one customer's tickets
staff-message-moved = { $actor } moved { $author }'s message { $message } here from { $from }:
    { $quote }
move-done = Message { $message } moved from { $from } to { $to }
kb-nothing = Nothing in the knowledge base matches “{ $query }”
kb-hit-article = { $number }. { $title } (kb:{ $id })
kb-hit-ticket = { $number }. { $title } (from ticket { $id })
kb-found = Knowledge base, “{ $query }”:
    { $lines }
report-already = the incident report of { $ticket } is filed already
report-body = Incident report for { $ticket }, filed by { $actor }:
    { $lines }
report-timeline = Timeline:
    { $entries }
report-archived = the war room is archived
report-archived-later = the war room is archived when the ticket closes
report-done = Incident report filed for { $ticket }; { $archived }
unassign-next = it is with { $next } now, next in its queue
unassign-nobody = nobody has it now: its queue has nobody else
unassign-done = { $previous } no longer has { $ticket }; { $now_with }
notice-yours-now = { $ticket } is yours now (back in the queue from { $previous }): { $title }
notice-taken-off-you = { $actor } took { $ticket } off you; { $now_with }.
staff-unassigned = { $actor } put { $ticket } back in its queue from { $previous }; { $now_with }.
staff-escalated = { $actor } escalated { $ticket } from { $from } to { $to }: { $reason }. It is now with { $owner }.
staff-auto-confirmed = { $ticket } closed as auto-confirmed: the customer did not answer the resolution card within { $wait }.
reply-closed = { $ticket } is closed; /reopen it before writing to the customer
room-let-in = { $actor } let { $user } into the war room of { $ticket }.
kb-add-unresolved = { $ticket } is { $status }; resolve it before drafting an article
kb-add-needs-domain = classify { $ticket } with a domain first: every article belongs to one
kb-add-no-resolution = { $ticket } has no resolution to draft an article from
kb-drafted = Drafted { $article } from { $ticket }:
    { $markdown }
    Publish it with /kb publish article:{ $article }
staff-status = { $ticket } “{ $title }”: { $status }{ $reason } · { $labels } · { $tier } · with { $owner } · opened { $opened } · last change { $changed }
card-due-met = met (resolved)
incident-card = INCIDENT { $ticket } · { $labels } · { $tier }
    “{ $title }”
    Customer: { $customer }
    Impact: { $impact }
    Status: { $status }, with { $owner }
    Resolution due: { $due }
    Leader: { $leader }
    In the room: { $roster }

## /help

help-list = Commands you may use (/help COMMAND explains one):
    { $lines }
help-none = there is no /{ $command } you may use; /help lists the commands
help-kind-ticket = a ticket, as T-12
help-kind-person = a person
help-kind-number = a number
help-kind-text = text
help-kind-choice = one of { $choices }
help-required = required
help-optional = optional
help-option = {"  "}{ $name }: { $description } ({ $kind }, { $need })
help-example = Example: { $example }

## /queue

queue-mine = Your open tickets
queue-all = Open tickets
queue-at-risk = Open tickets with a deadline or warning within the hour
queue-empty = { $what }: none.
queue-no-page = { $what }: no page { $page }.
queue-page = { $what } (page { $page }):
queue-no-sla = no SLA yet
queue-more = More: /queue page:{ $page }
queue-breached = { $clock } BREACHED
queue-due = { $clock } due { $due }
queue-paused = clocks paused
clock-name-lower = { $kind ->
    [response] first response
    [resolution] resolution
   *[ola] { $tier } OLA
}

## /stats (its chart has no words: ISO dates, + and ✓, explained by stats-chart-key)

stats-heading = Indicators { $from } to { $to } ({ $zone }{ $scope })
stats-scope = , domain { $domain }
stats-inflow = 1. Inflow: { $created } created, { $closed } closed
stats-day = {"  "}{ $day }: { $open } open at start, +{ $created } created, { $closed } closed, close rate { $rate }
stats-by-kind = 2. By kind:
stats-by-domain = 3. By domain:
stats-nothing = {"  "}nothing in this range
stats-group = {"  "}{ $name }: { $handling }
stats-domain = {"  "}{ $name }: { $handling }; { $open } open now, { $breached } breached
stats-no-domain = no domain
stats-handling = { $tickets } new, { $resolved } resolved
stats-handling-times = , median { $median } / p90 { $p90 } (business { $median_business } / { $p90_business }), on time { $on_time }
stats-cards = 4. Resolution cards: { $cards } sent
stats-cards-detail = : { $confirmed } confirmed, { $auto_confirmed } auto-confirmed, { $reopened } reopened, { $pending } waiting, { $otherwise } closed otherwise; resolved → closed median { $median } / p90 { $p90 }; answered { $answered }
stats-scores = {"  "}Scores: mean { $mean } of { $rated } (1: { $s1 }, 2: { $s2 }, 3: { $s3 }, 4: { $s4 }, 5: { $s5 })
stats-no-scores = {"  "}Scores: none given

## The incident report's form (Discord shows field labels of at most 45 characters)

report-form-title = Incident report for { $ticket }
report-field =
    .problem = Problem: what happened
    .root_cause = Root cause
    .containment = Containment: what stopped it spreading
    .corrective = Corrective action
    .preventive = Preventive action

## Sales hand-off (inquiries to sales: [handoff.sales] and POST /api/v1/tickets/T-n/handoff)

handoff-sales-customer = Thank you! Your question ({ $ticket }) is about pricing or buying, so we have passed it to our sales team; they will get back to you.
handoff-sales-staff = { $ticket } is an inquiry: handed to sales, it waits for their answer (the SLA clock is paused).
classify-handed-to-sales = ; handed to sales, waiting for their answer
handoff-answered-customer = { $outcome ->
        [won] Our sales team has taken care of your inquiry { $ticket }. Thank you for your order! This ticket is now closed.
        [lost] Our sales team has answered your inquiry { $ticket }. Thank you for considering us; this ticket is now closed.
       *[other] Our sales team has answered your inquiry { $ticket }. This ticket is now closed; write to us again any time.
    }
handoff-answered-staff = Sales answered { $ticket }: { $outcome } ({ $note }). The ticket is closed.
## Voice of customer (VOC): suggestions grouped into items V-n that product managers decide

cmd-voc = Voice of customer: suggestions grouped into items a product manager decides
cmd-voc-list = Voice-of-customer items, oldest first, with how many customers ask
    .status = Only items with this status
cmd-voc-show = One voice-of-customer item with its suggestions and customers
    .item = The item, as V-3
cmd-voc-link = Put a ticket's suggestion in an item (moving it from any other)
    .item = The item, as V-3
    .ticket = The suggestion's ticket, as T-12
cmd-voc-accept = Accept an open item: it is handed to engineering
    .item = The item, as V-3
cmd-voc-reject = Reject an open item; each customer asking is told the reason
    .item = The item, as V-3
    .reason = Why, in words the customers read
cmd-voc-ship = Mark an accepted item shipped; each customer asking is told and asked for feedback
    .item = The item, as V-3
    .note = What shipped and where, in words the customers read
voc-status = { $status ->
    [open] open
    [accepted] accepted
    [rejected] rejected
   *[shipped] shipped
}
voc-no-domain = no domain
voc-error-bad-ref = `{ $text }` is not a voice-of-customer item; write it as V-3
voc-error-already = { $item } is already { $status }
voc-error-step = { $item } is { $status }: { $step ->
    [accept] only an open item can be accepted
    [reject] only an open item can be rejected
   *[ship] only an accepted item can be shipped
}
voc-error-link-closed = { $item } is { $status }; link suggestions to an open or accepted item
voc-no-such-item = there is no voice-of-customer item { $item }
voc-link-already = { $ticket } is already part of { $item }
voc-needs-text = { $step ->
    [reject] a rejection needs reason:…, which the customers read
   *[ship] shipping needs note:…, which the customers read
}
voc-changed-meanwhile = { $item } changed meanwhile; look again with /voc show item:{ $item }
voc-linked = { $ticket } is now part of { $item } ({ $customers ->
    [one] 1 customer asks
   *[other] { $customers } customers ask
}).
voc-linked-moved = {" "}It was part of { $from } before.
voc-accepted = { $item } is accepted and handed to engineering ({ $customers ->
    [one] 1 customer asks
   *[other] { $customers } customers ask
}).
voc-rejected = { $item } is rejected; { $told ->
    [one] 1 customer was
   *[other] { $told } customers were
} told the reason.
voc-shipped = { $item } is shipped; { $told ->
    [one] 1 customer was
   *[other] { $told } customers were
} told and asked for feedback.
voc-staff-opened = { $ticket } is a suggestion: it opened the voice-of-customer item { $item } (/voc show item:{ $item }).
voc-staff-joined = { $ticket } is a suggestion like { $item } “{ $title }”, and is now part of it ({ $customers ->
    [one] 1 customer asks
   *[other] { $customers } customers ask
}).
voc-rejected-customer = Thank you for your suggestion on { $ticket } (“{ $title }”). Our product team has considered it carefully and will not take it forward for now: { $text }
    We are grateful you took the time to tell us; every suggestion is read.
voc-shipped-customer = Good news about your suggestion on { $ticket } (“{ $title }”): it has shipped. { $text }
    Is it what you hoped for? Reply here and tell us what you think; your answer goes straight to our team.
voc-issue-title = { $item }: { $title }
voc-issue-body = Voice of customer { $item }: { $title }
    Domain: { $domain }
    Asked for by { $customers ->
        [one] 1 customer
       *[other] { $customers } customers
    } on { $tickets ->
        [one] 1 ticket
       *[other] { $tickets } tickets
    }:
    { $quotes }
voc-issue-quote = { $quote }
    — { $ticket }
voc-issue-reason = Rejected: { $reason }
voc-issue-note = Shipped: { $note }
voc-list-heading = { $status ->
    [all] Voice-of-customer items:
   *[other] Voice-of-customer items ({ $status }):
}
voc-list-empty = { $status ->
    [all] No voice-of-customer items yet.
   *[other] No { $status } voice-of-customer items.
}
voc-list-line = { $item } [{ $status }] “{ $title }” · { $domain } · { $customers ->
    [one] 1 customer
   *[other] { $customers } customers
} · { $tickets ->
    [one] 1 ticket
   *[other] { $tickets } tickets
}
voc-list-more = … and more: resolvd voc list shows them all
voc-show = { $item } “{ $title }” · { $status } · { $domain } · opened { $opened } · last change { $changed }
    { $count ->
        [one] 1 customer asks
       *[other] { $count } customers ask
    }: { $customers }
voc-show-reason = Rejected: { $reason }
voc-show-note = Shipped: { $note }
voc-show-tracker = Tracker: { $url }
voc-show-suggestion = { $ticket } · { $customer }:
    { $quote }
## The managers' web cockpit (src/web): its pages and charts. Values tools read (data-*
## attributes, form values, the API) are not here: they are the same in every language.

web-when = { $day }, { $time }
web-short-day = { $day } { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
web-minutes = { $count } min
web-hours = { $count } h
web-any = any
web-status = { $status ->
    [new] new
    [open] open
    [waiting_customer] waiting for the customer
    [resolved] resolved
   *[closed] closed
}
web-status-filter = { $status ->
    [open] open (all but closed)
    [new] new
    [waiting_customer] waiting for the customer
    [resolved] resolved
   *[closed] closed
}
web-status-because = { $status } ({ $reason })
web-kind = { $kind ->
    [fault] fault
    [consult] consult
    [query] query
    [request] request
    [complaint] complaint
    [suggestion] suggestion
   *[inquiry] inquiry
}
web-close-reason = { $reason ->
    [confirmed] confirmed
    [auto_confirmed] auto-confirmed
    [self_served] self-served
    [closed_by_staff] closed by staff
    [closed_by_customer] closed by the customer
    [merged] merged
   *[spam] spam
}
web-relation = { $relation ->
    [related] related
    [duplicate] duplicate
   *[incident] incident
}
web-indicators = Indicators
web-queue = Queue
web-war-rooms = War rooms
web-ticket = Ticket
web-sign-out = sign out
web-sign-in = Sign in
web-your-id = YOUR_ID
web-sign-in-hint = Staff sign in with a link: type { $command } in chat, or ask an operator to run { $cli }. A link works once, for { $minutes } minutes.
web-http-status = { $code ->
    [400] Not understood
    [401] Sign-in needed
    [403] Not for you
    [404] Not found
   *[other] Something went wrong
}
web-denied-token = the token is not valid (revoked, or never issued)
web-denied-sign-in = sign in first: your session is missing or has expired
web-denied-staff = only staff may use the cockpit
web-denied-link-token = this address needs the sign-in link's token
web-denied-war-rooms = the war-room board is for managers, domain owners and leads
web-denied-forbidden = this page is not for your roles
web-denied-internal = something went wrong on our side; it is logged
web-link-not-valid = the sign-in link is not valid (altered, or from another installation)
web-link-expired = the sign-in link has expired (links work for { $minutes } minutes); ask for a new one with /dashboard
web-link-spent = the sign-in link was used already (each works once); ask for a new one with /dashboard
web-link-not-staff = { $person } is not staff: only staff sign in to the dashboard
web-bad-filter = The filter cannot be used: { $problem }
web-indicators-heading = Indicators, { $from } to { $to } ({ $zone })
web-filter-from = from
web-filter-to = to
web-filter-show = Show
web-filter-at-risk = at risk
web-filter-search = search
web-filter-search-hint = title, message, customer
web-filter-apply = Filter
web-inflow-heading = 1 · Daily inflow and close rate
web-created = created
web-closed = closed
web-open-at-start = open at the start
web-close-rate = close rate
web-close-rate-range = close rate over the range
web-per-day = Per day
web-chart-inflow = Tickets created and closed per day, and the close rate
web-kind-heading = 2 · Per kind
web-domain-heading = 3 · Per domain
web-chart-kind = Handling time per kind, hours
web-chart-domain = Open and breached now, per domain
web-series-median-hours = median h
web-series-p90-hours = p90 h
web-confirmation-heading = 4 · Confirmation and satisfaction
web-cards = cards
web-confirmed = confirmed
web-auto-confirmed = auto-confirmed
web-reopened = reopened
web-pending = pending
web-resolved-to-closed = resolved → closed, median
web-mean-score = mean score
web-revisits-asked = revisits asked
web-revisits-working = still working
web-revisits-not-working = not working (reopened)
web-response-rate = response rate
web-chart-confirmation = How the resolution cards ended
web-chart-scores = Scores, 1 to 5
web-series-scores = scores
web-chart-nothing = nothing in this range
web-col-day = day
web-col-kind = kind
web-col-domain = domain
web-col-severity = severity
web-col-status = status
web-col-tier = tier
web-col-assignee = assignee
web-col-customer = customer
web-col-created = created
web-col-ticket = ticket
web-col-title = title
web-col-tickets = tickets
web-col-resolved = resolved
web-col-median = median
web-col-p90 = p90
web-col-median-business = median (business)
web-col-p90-business = p90 (business)
web-col-on-time = on time
web-col-open-now = open now
web-col-breached-now = breached now
web-col-next-alarm = next SLA alarm ({ $zone })
web-col-when = when ({ $zone })
web-col-who = who
web-col-what = what
web-col-leader = leader
web-col-roster = roster
web-col-opened = opened ({ $zone })
web-queue-empty = No ticket matches.
web-next-page = Next page →
web-response-due = response due
web-resolution-due = resolution due
web-ola-due = OLA due
web-breached = breached
web-room-line = War room { $room } ({ $state }), leader { $leader }, roster { $roster }
web-room-open = open
web-room-archived = archived
web-timeline = Timeline
web-no-war-room = No war room is open.
web-event-because = : { $reason }
web-event-now-with = {" "}(now with { $person })
web-event-now-with-next = now with { $person }
web-event-nobody-has-it = nobody has it
web-event-from = {" "}from { $person }
web-event-files = { $count ->
    [0] {""}
    [one] {" "}(1 file)
   *[other] {" "}({ $count } files)
}
web-event-created = opened the ticket, writing: { $text }{ $files }
web-event-message = wrote: { $text }{ $files }
web-event-part-domain = domain { $domain }
web-event-part-kind = kind { $kind }
web-event-part-severity = severity { $severity }
web-event-classified = classified: { $parts }{ $now_with }{ $because }
web-event-assigned = assigned to { $person }
web-event-assigned-routing = assigned to { $person } (by routing)
web-event-claimed = claimed it for { $person }{ $from }{ $because }
web-event-unassigned = unassigned { $person }; { $next }
web-event-tier-changed = moved { $from } → { $to }: { $reason }
web-event-escalated = escalated { $from } → { $to }{ $now_with }: { $reason }
web-event-severity-changed = changed the severity { $from } → { $to }{ $because }
web-event-note = noted: { $text }
web-event-share = {" "}at { $percent }%
web-event-due = , due { $due }
web-event-sla-warning = SLA warning on the { $clock } clock{ $share }{ $due }
web-event-sla-breach = SLA breach on the { $clock } clock{ $due }
web-event-staff-reply = replied: { $text }
web-event-staff-reply-relayed = replied (relayed): { $text }
web-event-waiting = waiting for the customer{ $because }
web-event-resumed = the customer answered; the ticket runs again
web-event-resolved = resolved: { $text }
web-event-by-article = {" "}by article { $article }
web-event-closed = closed ({ $reason }){ $article }{ $because }
web-event-needs-help = said the articles did not solve it
web-event-article-drafted = drafted the article { $article }
web-event-article-published = published the article { $article }
web-event-reopened = reopened it{ $because }
web-event-linked = linked it to { $ticket } ({ $relation })
web-event-refused = was refused { $command }: { $reason }
web-event-status-changed = status { $from } → { $to }
web-event-s-requested = asked for S-level: { $reason }
web-event-s-declined = declined S-level: { $reason }
web-event-war-room-opened = opened the war room { $room } (leader { $leader }; { $roster })
web-event-room-invited = let { $person } into the war room
web-event-timeline-entry = incident timeline: { $text }
web-event-customer-update = updated the customer: { $text }
web-event-incident-reported = filed the incident report: { $root_cause }
web-event-room-archived = archived the war room
web-event-rated = rated the resolution { $score }/5
web-event-confirmation-reminded = reminded the customer to confirm the fix
web-event-message-moved = moved message { $message } { $from } → { $to }: { $text }
web-event-room-reopened = opened the war room again
web-event-storm-proposed = proposed { $tickets } as one storm to { $owners }
web-event-storm-confirmed = confirmed the storm of { $tickets } as one incident
web-event-storm-declined = declined the storm of { $tickets }{ $because }
## i18n-rest: what was still English (issue 15): storms, the knowledge base's learning, /kb publish,
## /queue and /stats errors, the /stats chart's key, quotes and labels in staff notices, the
## console's and Discord's own words

# Storms: an owner's card and reply in their language, staff threads and war rooms in default_locale
storm-proposal-card = Storm in { $domain }: { $count ->
        [one] 1 similar new ticket
       *[other] { $count } similar new tickets
    } within { $minutes } minutes ({ $tickets }), such as “{ $title }”.
    Confirm to make { $first } one S-level incident with a war room and link the others to it: their customers hear every /update from the room, and each gets their own resolution card when it is resolved.
storm-confirm-button = Confirm: one incident
storm-decline-button = Decline
storm-proposal-notice = { $tickets } look like one problem (a storm); { $owners } { $asked ->
        [one] was
       *[other] were
    } asked to confirm them as one incident.
storm-joined-proposal = { $ticket } looks like the storm of { $first }, which is waiting for an owner; confirming it links { $ticket } too.
storm-impact = a storm: { $count } customers report the same { $domain } problem
storm-linked-staff = { $ticket } is linked to the incident { $incident } (a storm): its customer hears the war room's /update, and resolving { $incident } sends them their own resolution card.
storm-confirmed-room = { $incident } is a storm: { $tickets } { $count ->
        [one] is
       *[other] are
    } linked to it. /update here reaches their customers too, and /resolve sends each of them their own resolution card.
storm-joined-room = { $ticket } from { $customer } is the same problem: linked to { $incident }; your /update reaches them too.
storm-confirmed-reply = { $incident } is the incident (S-level, war room { $room }); { $count ->
        [one] 1 ticket
       *[other] { $count } tickets
    } linked to it
storm-declined-reply = Declined: { $tickets } stay separate tickets and are not proposed again
storm-declined-notice = { $by } declined the storm of { $tickets }. They stay separate tickets.
storm-declined-because = { $by } declined the storm of { $tickets }: { $reason }. They stay separate tickets.
storm-already-answered = the storm of { $first } was { $status ->
        [confirmed] confirmed
        [declined] declined
       *[other] answered
    } by { $by } already
storm-answered-meanwhile = the storm of { $first } was answered by someone else meanwhile; nothing changed
storm-none = { $ticket } is in no storm
storm-only-owners = only the owners of the { $domain } domain ({ $owners }) can answer the storm of { $first }
storm-nothing-open = every ticket of the storm of { $first } is closed; there is nothing to make an incident of
storm-update-reached = {" "}and to the customers of { $count ->
        [one] 1 linked ticket
       *[other] { $count } linked tickets
    }
storm-resolve-reached = ; { $count ->
        [one] 1 linked ticket
       *[other] { $count } linked tickets
    } resolved with it, each customer sent their own card

# The knowledge base learning from tickets: /kb stats, /kb gaps, /kb cite, /kb edit, /kb publish
kb-stats-empty = None of the { $articles ->
        [one] 1 article
       *[other] { $articles } articles
    } has been offered, solved a ticket or been cited yet.
kb-stats-header = Knowledge-base articles by use (solved, cited, offered):
kb-stats-line = { $rank }. { $id } { $title }{ $author }: solved { $solved }, cited { $cited }, offered { $offered }
kb-stats-title = “{ $title }”
kb-stats-gone = (no longer in the knowledge base)
kb-stats-by = {" "}by { $author }
kb-authors-header = Authors whose articles are used:
kb-author-line = - { $author } ({ $articles ->
        [one] 1 article
       *[other] { $articles } articles
    }): solved { $solved }, cited { $cited }, offered { $offered }
kb-stats-more = … { $more } more counted; `resolvd kb stats` lists them all.
kb-stats-unused = { $unused ->
        [one] 1 other article has
       *[other] { $unused } other articles have
    } not been used yet.
kb-gaps-none = No gaps: among the { $checked ->
        [one] 1 resolved ticket
       *[other] { $checked } resolved tickets
    } looked at, no three with alike resolutions lack an article.
kb-gaps-header = { $groups ->
        [one] 1 group
       *[other] { $groups } groups
    } of alike resolutions that no article covers:
kb-gap-line = { $rank }. { $count } tickets ({ $tickets }): “{ $resolution }”
    {"   "}{ $shortcut }
kb-no-article = there is no article `{ $id }`; /kb search finds one
kb-cited = { $ticket } cites { $article } “{ $title }”; /kb stats counts it
kb-cited-before = { $article } was cited on { $ticket } before; it counts once a ticket
kb-no-draft = there is no draft `{ $id }`; /kb add ticket:T-n makes one
kb-draft-published = `{ $id }` is already published; edit its file in the knowledge-base folder instead
kb-edit-needs-draft = /kb edit needs draft:… (the draft's id, as /kb add printed it)
kb-edit-empty = text: is empty; write the article's text (Markdown) for readers
kb-edit-title-empty = title: is empty; leave it out to keep the draft's title
kb-edit-too-long = { $field }: is { $chars } characters; an article takes at most { $max }
kb-edit-form-title = Edit { $id }
kb-edit-form-title-label = Title, for readers
kb-edit-form-text-label = The article's text (Markdown)
kb-edit-usage = write the draft's new text: /kb edit draft:{ $id } text:"…" (title:"…" to retitle it)
kb-edited = Edited { $id }:
    { $markdown }
    Publish it with /kb publish article:{ $id }
kb-publish-edited-needs-title = `{ $id }` is edited but its title is still the customer's own words, which are not published; give it one: /kb edit draft:{ $id } title:… text:…, or /kb publish article:{ $id } problem:…
kb-publish-needs-article = /kb publish needs article:… (the draft's id, as /kb add printed it)
kb-publish-already = `{ $id }` is already published
kb-publish-no-resolution = { $ticket } has no resolution to publish an article from
kb-published = Published { $id }: searchable now
kb-publish-form-title = Publish { $id }
kb-publish-form-problem = The problem, for readers (not the customer's words)
kb-publish-usage = `{ $id }` still says the problem in the customer's own words, which are not published; say it for readers: /kb publish article:{ $id } problem:…

# /stats: its range, and the key to its chart (the chart has no words, only dates, + and ✓)
stats-bad-range = `{ $text }` is not a range; use today, 7d, 30d (up to { $max }d) or YYYY-MM-DD..YYYY-MM-DD
stats-range-days = a range is 1d to { $max }d, not { $days }d
stats-range-backwards = the range starts after it ends ({ $from } is after { $to })
stats-range-too-long = a range is at most { $max } days; { $from }..{ $to } is longer
stats-chart-key = Chart (where one is shown): tickets per day, + created, ✓ closed.

# /queue's options
queue-bad-view = view:{ $view } is not a view; use mine, all or at-risk
queue-bad-page = page:{ $page } is out of range; pages start at 1

# Pieces of staff notices and replies
file-unknown-type = unknown type
reply-staff-only = only staff can reply to a customer
note-staff-only = only staff can write notes

# The console's own words around posts (`bot → WHOM: text`), in the reader's language
console-only-you = { $user } (only you)
console-answer-with = (answer with: !press { $id } ANSWER)
console-to-staff = staff of { $ticket }
console-to-person = { $user } (direct)
console-to-room = war room of { $ticket }
console-card = { $whom } ({ $card ->
        [incident] incident
       *[other] { $card }
    } card, pinned)
console-for = { $whom }, for { $mentions }
console-room-invite = [room: let in { $users }]
console-room-archive = [room: locked and archived]
console-room-reopen = [room: open again to { $users }]

# Discord's own words: a thread's name and a war room's topic, and an interaction's answer when
# the engine had none
discord-thread-name = Support for { $name }
discord-room-topic = War room of { $ticket }
discord-done = Done.
discord-repeated = This was handled already; nothing changed.
discord-failed = An internal error occurred; it is logged

# A ticket's status and close reason within a line (English writes them as the API does)
status-name = { $status }
close-reason-name = { $reason }
## Customer registry (issue 14, point 1): the customer card and /customer

cmd-customer = Show a customer's card: organisation, tier, warranty and their last five tickets
    .user = The customer; defaults to the customer of this conversation's ticket
    .ticket = A ticket whose customer to show, as T-12
customer-card = Customer { $name } ({ $id }) of { $organisation } · tier { $tier } · warranty { $warranty }{ $owner }
customer-card-no-organisation = no organisation
customer-card-owner = {" · "}account owner { $owner }
customer-card-warranty = { $state ->
    [active] active until { $until }
    [expired] EXPIRED (ended { $until })
   *[unknown] unknown
}
customer-card-history = Their last { $count ->
    [one] ticket
   *[other] { $count } tickets
}:
customer-card-ticket = {"  "}{ $ticket } “{ $title }”: { $outcome }{ $score }
customer-card-score = , rated { $score }/5
customer-card-no-history = No earlier tickets.
customer-card-unknown = { $person } is not a known customer (not in the customer registry).
## Spare parts (/parts) and revisits of closed tickets

cmd-parts = Spare parts for a ticket: reserve, ship, take back
cmd-parts-request = Reserve spare parts for a ticket from the stock
    .part = The part's code in the catalogue, e.g. SCR-6
    .qty = How many, 1 to 1000
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-parts-ship = Mark a ticket's reserved parts shipped (one part, or all of them)
    .part = Only this part; left out, every part reserved for the ticket
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
cmd-parts-return = Put a ticket's parts back in stock (reserved ones first, then shipped)
    .part = The part's code in the catalogue, e.g. SCR-6
    .qty = How many come back
    .ticket = The ticket, as T-12; defaults to the ticket of this conversation
parts-bad-qty = qty:{ $qty } is out of range; ask for 1 to { $max } at a time
parts-closed = { $ticket } is closed; reopen it before you request parts for it
parts-unknown = there is no part { $part } in the catalogue (resolvd parts list shows them)
parts-short = only { $stock } × { $name } ({ $part }) free in stock, not { $qty }; nothing was reserved
parts-charged = { $cost } charged to the customer
parts-free = { $cost }, free to the customer (under warranty)
parts-reserved = Reserved { $qty } × { $name } ({ $part }) for { $ticket }: { $paid }. { $stock } left in stock.
parts-none-reserved = { $ticket } has no parts reserved to ship
parts-none-reserved-of = { $ticket } has no { $part } reserved to ship
parts-shipped = Shipped for { $ticket }: { $parts }.
customer-parts-shipped = The parts for { $ticket } are on their way: { $parts }.
parts-not-held = { $ticket } holds no { $part } (reserved or shipped) to return
parts-return-too-many = { $ticket } holds { $holds } × { $part }, fewer than { $qty }; nothing was returned
parts-returned = Put { $qty } × { $name } ({ $part }) of { $ticket } back in stock.
parts-reorder = { $name } ({ $part }) is down to { $stock } in stock, below its reorder level of { $level } (after a request for { $ticket }). Time to reorder.
revisit-ask = We closed { $ticket } (“{ $title }”) a while ago. Is it still working? Anything else we can help with? Press a button, or write to us here.
revisit-yes-button = Yes, it works
revisit-no-button = No, it is not working
revisit-customer-only = only the ticket's customer can answer its revisit
revisit-answered-before = { $ticket }'s revisit is answered already (or was never sent)
revisit-bad-button = that button is not an answer to a revisit
revisit-thanks = Thank you, glad { $ticket } is still working.
revisit-reopened = Sorry to hear that: { $ticket } is open again and its engineer is on it.
staff-revisit-not-working = { $actor } says on the revisit that { $ticket } is not working: reopened, { $owner } has it.

# The daily digest's list when it names only the first references.
digest-and-more = { $list } and { $more } more
