#!/usr/bin/python3
"""exchangelib (Debian python3-exchangelib) as a witness of `ews fake-server`.

Runs every operation of the reference connector (connector/operations.go) through exchangelib, against the
fake server named by the environment (EWS_URL, EWS_USERNAME, EWS_PASSWORD, EWS_EMAIL, EWS_STATE), and after
each one checks the mailbox through the fake server's state endpoint (GET EWS_STATE, JSON; see
internal/testserver/state.go), not through exchangelib. Any exception or failed check exits non-zero.
"""
import base64
import datetime
import json
import os
import sys
import urllib.request

from exchangelib import (DELEGATE, NTLM, BASIC, Account, CalendarItem, Configuration, Credentials, EWSDateTime,
                         EWSTimeZone, FileAttachment, HTMLBody, Mailbox, Message, Q)
from exchangelib.errors import ErrorSchemaValidation
from exchangelib.items import SEND_TO_NONE
from exchangelib.recurrence import Recurrence, WeeklyPattern
from exchangelib.properties import Attendee

URL, USER, PASSWORD, EMAIL, STATE = (os.environ[k] for k in
                                     ("EWS_URL", "EWS_USERNAME", "EWS_PASSWORD", "EWS_EMAIL", "EWS_STATE"))
AUTH = os.environ.get("EWS_AUTH", "NTLM")
PREFIX = "witness-py"
checks = 0


def state():
    req = urllib.request.Request(STATE)
    token = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
    req.add_header("Authorization", "Basic " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)["mailboxes"]


def folder(path):
    for mb in state():
        if mb["address"].lower() != EMAIL.lower():
            continue
        for f in mb["folders"]:
            if f["path"] == path:
                return f["items"]
    raise AssertionError("no folder %r in the state" % path)


def find(path, subject):
    return [it for it in folder(path) if it["subject"] == subject]


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(what)


def step(name):
    print("exchangelib: " + name, flush=True)


def main():
    creds = Credentials(USER, PASSWORD)
    config = Configuration(service_endpoint=URL, credentials=creds, auth_type=NTLM if AUTH == "NTLM" else BASIC)
    account = Account(primary_smtp_address=EMAIL, config=config, autodiscover=False, access_type=DELEGATE)
    step("version %s (%s)" % (account.version.api_version, account.version.build))
    tz = EWSTimeZone("UTC")

    # send_email: To/Cc/Bcc, HTML and an attachment; to ourselves, so the message also arrives in the Inbox.
    step("send_email")
    subj = PREFIX + " report"
    m = Message(account=account, folder=account.sent, subject=subj,
                body=HTMLBody("<html><body><p>Quarterly <b>numbers</b></p></body></html>"),
                to_recipients=[Mailbox(email_address=EMAIL)],
                cc_recipients=[Mailbox(email_address="carol.nguyen@example.com")],
                bcc_recipients=[Mailbox(email_address="audit@example.com")])
    m.attach(FileAttachment(name="numbers.csv", content=b"q,amount\n1,100\n", content_type="text/csv"))
    m.send_and_save()
    sent = find("Sent Items", subj)
    if account.version.build.major_version >= 15:
        check(len(sent) == 1, "send_email: %d copies in Sent Items" % len(sent))
        s = sent[0]
        check(s["bodyType"] == "HTML" and "numbers" in s["body"], "send_email: body %r" % s)
        check(s["to"] == [EMAIL] and s["cc"] == ["carol.nguyen@example.com"] and s["bcc"] == ["audit@example.com"],
              "send_email: recipients %r" % s)
        check([a["name"] for a in s.get("attachments", [])] == ["numbers.csv"], "send_email: attachments %r" % s)
    else:
        # Before Exchange 2013 exchangelib saves the message, attaches, then sends with SaveItemToFolder=false,
        # which sends the saved item and removes it: no copy stays in Sent Items (exchangelib's own comment).
        check(len(sent) == 0, "send_email: SendItem SaveItemToFolder=false left %d items" % len(sent))
    arrived = find("Inbox", subj)
    check(len(arrived) == 1 and not arrived[0]["isRead"], "send_email: not delivered unread to the Inbox")
    a = arrived[0]
    check(a["bodyType"] == "HTML" and "numbers" in a["body"] and a["cc"] == ["carol.nguyen@example.com"]
          and not a.get("bcc") and [x["name"] for x in a.get("attachments", [])] == ["numbers.csv"],
          "send_email: delivered copy %r" % a)

    # Two more messages to work on.
    for n in ("one", "two", "three", "four"):
        Message(account=account, folder=account.sent, subject="%s %s" % (PREFIX, n), body="plain body " + n,
                to_recipients=[Mailbox(email_address=EMAIL)]).send_and_save()

    # get_email: unread messages of the Inbox, oldest first, each marked read.
    step("get_email")
    unread = list(account.inbox.filter(is_read=False).order_by("datetime_received"))
    want = [it["subject"] for it in folder("Inbox") if not it["isRead"]]
    check(sorted(x.subject for x in unread) == sorted(want), "get_email: exchangelib saw %d unread, state has %d"
          % (len(unread), len(want)))
    for it in unread:
        if it.subject.startswith(PREFIX + " report"):
            it.is_read = True
            it.save(update_fields=["is_read"])
    check(all(it["isRead"] for it in find("Inbox", subj)), "get_email: not marked read")

    # mark_as_read (and back).
    step("mark_as_read")
    one = account.inbox.get(subject=PREFIX + " one")
    one.is_read = True
    one.save(update_fields=["is_read"])
    check(find("Inbox", PREFIX + " one")[0]["isRead"], "mark_as_read: still unread")
    one.is_read = False
    one.save(update_fields=["is_read"])
    check(not find("Inbox", PREFIX + " one")[0]["isRead"], "mark_as_read: still read after marking unread")

    # move_email to Inbox/Processed (a folder found by name) and to a distinguished folder.
    step("move_email")
    processed = account.inbox / "Processed"
    one.move(processed)
    check(find("Inbox/Processed", PREFIX + " one") and not find("Inbox", PREFIX + " one"), "move_email: not moved")
    two = account.inbox.get(subject=PREFIX + " two")
    two.move(account.junk)
    check(find("Junk Email", PREFIX + " two"), "move_email: not in Junk Email")

    # delete_email: move to Deleted Items, soft, hard.
    step("delete_email")
    three = account.inbox.get(subject=PREFIX + " three")
    three.move_to_trash()
    check(find("Deleted Items", PREFIX + " three") and not find("Inbox", PREFIX + " three"),
          "delete_email: not in Deleted Items")
    four = account.inbox.get(subject=PREFIX + " four")
    try:
        four.soft_delete()
    except ErrorSchemaValidation:
        # After the DeleteItem, exchangelib looks up the 'recoverableitemsdeletions' folder, which Exchange 2007
        # does not have (its schema refuses the name); the delete itself was done.
        if account.version.build.major_version >= 14:
            raise
    check(not find("Inbox", PREFIX + " four") and find("/Recoverable Items/Deletions", PREFIX + " four"),
          "delete_email: soft delete did not go to Recoverable Items")
    # Deleted Items holds every kind of item; on Exchange 2007 exchangelib would ask for distributionlist:Members.
    trash = account.trash.filter(subject=PREFIX + " three").only("subject")[0]
    trash.delete()
    check(not find("Deleted Items", PREFIX + " three") and not find("/Recoverable Items/Deletions", PREFIX + " three"),
          "delete_email: hard delete left the message")

    # search_query: folder, sender, subject, body, query string, limit.
    step("search_query")
    inbox = folder("Inbox")
    by_sender = list(account.inbox.filter(sender=EMAIL))
    check(sorted(x.subject for x in by_sender) ==
          sorted(it["subject"] for it in inbox if it.get("from", "").lower() == EMAIL.lower()),
          "search_query: sender")
    by_subject = list(account.inbox.filter(subject__contains="report"))
    want = [it["subject"] for it in inbox if "report" in it["subject"]]
    check(sorted(x.subject for x in by_subject) == sorted(want) and want,
          "search_query: subject__contains gave %r, state has %r" % ([x.subject for x in by_subject], want))
    by_body = list(account.inbox.filter(body__contains="numbers"))
    check(len(by_body) == len([it for it in inbox if "numbers" in it["body"]]), "search_query: body__contains")
    limited = list(account.inbox.all().order_by("-datetime_received")[:3])
    check(len(limited) == 3, "search_query: limit 3 gave %d" % len(limited))
    combined = list(account.inbox.filter(Q(subject__contains="report") | Q(subject__contains=PREFIX)))
    check(len(combined) == len([it for it in inbox if "report" in it["subject"] or PREFIX in it["subject"]]),
          "search_query: Q or")
    if account.version.build.major_version >= 14:  # QueryString (AQS) came with Exchange 2010
        qs = list(account.inbox.filter("subject:report"))
        check(len(qs) == len(by_subject), "search_query: query string gave %d, want %d" % (len(qs), len(by_subject)))
    in_folder = list(processed.filter(subject__contains=PREFIX))
    check([x.subject for x in in_folder] == [PREFIX + " one"], "search_query: folder Inbox/Processed")

    # create_event with every parameter, then get_events with recurrence.
    step("create_event")
    start = EWSDateTime(2030, 3, 4, 9, 0, tzinfo=tz)
    ev = CalendarItem(account=account, folder=account.calendar, subject=PREFIX + " standup",
                      body="Daily standup", location="Room 1", start=start, end=start + datetime.timedelta(minutes=30),
                      legacy_free_busy_status="Busy", reminder_is_set=True, reminder_minutes_before_start=10,
                      required_attendees=[Attendee(mailbox=Mailbox(email_address="bob.martin@example.com"),
                                                   response_type="Unknown")],
                      optional_attendees=[Attendee(mailbox=Mailbox(email_address="carol.nguyen@example.com"),
                                                   response_type="Unknown")],
                      recurrence=Recurrence(pattern=WeeklyPattern(interval=1, weekdays=[1, 3]), start=start.date(),
                                            number=4))
    ev.save(send_meeting_invitations=SEND_TO_NONE)
    got = find("Calendar", PREFIX + " standup")
    check(len(got) == 1, "create_event: %d items" % len(got))
    g = got[0]
    check(g["location"] == "Room 1" and g["legacyFreeBusyStatus"] == "Busy" and g["reminderMinutesBeforeStart"] == 10
          and g["requiredAttendees"] == ["bob.martin@example.com"]
          and g["optionalAttendees"] == ["carol.nguyen@example.com"] and g.get("recurrence"),
          "create_event: stored %r" % g)
    allday = CalendarItem(account=account, folder=account.calendar, subject=PREFIX + " offsite", is_all_day=True,
                          start=EWSDateTime(2030, 3, 20, 0, 0, tzinfo=tz), end=EWSDateTime(2030, 3, 21, 0, 0, tzinfo=tz),
                          legacy_free_busy_status="OOF")
    allday.save(send_meeting_invitations=SEND_TO_NONE)
    check(find("Calendar", PREFIX + " offsite")[0]["isAllDayEvent"], "create_event: all-day not stored")

    step("get_events")
    occ = [x for x in account.calendar.view(start=EWSDateTime(2030, 3, 1, 0, 0, tzinfo=tz),
                                             end=EWSDateTime(2030, 4, 1, 0, 0, tzinfo=tz))
           if x.subject.startswith(PREFIX)]
    standups = [x for x in occ if x.subject == PREFIX + " standup"]
    check(len(standups) == 4, "get_events: %d occurrences of the weekly series, want 4" % len(standups))
    check(sorted({x.start.weekday() for x in standups}) == [0, 2], "get_events: occurrence days %r"
          % [x.start for x in standups])
    check(any(x.subject == PREFIX + " offsite" and x.is_all_day for x in occ), "get_events: all-day event")

    # get_contacts and resolve names.
    step("get_contacts")
    if account.version.build.major_version >= 14:
        contacts = list(account.contacts.all())
    else:
        # exchangelib asks for distributionlist:Members on every version; Exchange 2007 SP1's schema has no such
        # path (a real 2007 server refuses it too), so ask for what a contact list needs.
        contacts = list(account.contacts.all().only("display_name", "email_addresses"))
    want = [it for it in folder("Contacts")]
    check(len(contacts) == len(want) and len(want) > 0, "get_contacts: %d, state %d" % (len(contacts), len(want)))
    emails = sorted(e.email for c in contacts for e in (c.email_addresses or []) if e.label == "EmailAddress1")
    check(emails == sorted(it["emailAddresses"]["EmailAddress1"] for it in want),
          "get_contacts: addresses %r, state %r" % ([c.email_addresses for c in contacts][:2], want[:2]))

    step("resolve_names")
    res = account.protocol.resolve_names(["carol"], return_full_contact_data=True)
    check(len(res) >= 1 and res[0][0].email_address.startswith("carol"), "resolve_names: %r" % (res,))

    print("exchangelib: %d checks passed against %s (%s)" % (checks, URL, account.version.api_version))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report every failure the same way, then fail
        import traceback
        traceback.print_exc()
        print("exchangelib witness FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
