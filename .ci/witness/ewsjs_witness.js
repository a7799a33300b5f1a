// ews-javascript-api (npm) as a witness of `ews fake-server`.
//
// Runs every operation of the reference connector (connector/operations.go) through ews-javascript-api, against
// the fake server named by the environment (EWS_URL, EWS_USERNAME, EWS_PASSWORD, EWS_EMAIL, EWS_STATE,
// EWS_REQUEST_VERSION), and after each one checks the mailbox through the fake server's state endpoint (GET
// EWS_STATE; see internal/testserver/state.go), not through ews-javascript-api. It authenticates with Basic.
'use strict';
const ews = require('ews-javascript-api');

const env = (k) => { const v = process.env[k]; if (!v) { throw new Error(k + ' is not set'); } return v; };
const URL = env('EWS_URL'), USER = env('EWS_USERNAME'), PASSWORD = env('EWS_PASSWORD'), EMAIL = env('EWS_EMAIL');
const STATE = env('EWS_STATE');
const VERSION = process.env.EWS_REQUEST_VERSION || 'Exchange2013_SP1';
const PREFIX = 'witness-js';
let checks = 0;

async function state() {
  const r = await fetch(STATE, { headers: { Authorization: 'Basic ' + Buffer.from(USER + ':' + PASSWORD).toString('base64') } });
  if (r.status !== 200) { throw new Error('state endpoint: HTTP ' + r.status); }
  return (await r.json()).mailboxes;
}
async function folder(path) {
  for (const mb of await state()) {
    if (mb.address.toLowerCase() !== EMAIL.toLowerCase()) { continue; }
    for (const f of mb.folders) { if (f.path === path) { return f.items; } }
  }
  throw new Error('no folder ' + path + ' in the state');
}
async function find(path, subject) { return (await folder(path)).filter((it) => it.subject === subject); }
function check(cond, what) { checks++; if (!cond) { throw new Error(what); } }
function step(name) { console.log('ews-javascript-api: ' + name); }
const sorted = (xs) => [...xs].sort();
const escapeXML = (x) => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

async function findAll(svc, folderId, filter, n) {
  const view = new ews.ItemView(n || 1000);
  const res = filter === undefined ? await svc.FindItems(folderId, view) : await svc.FindItems(folderId, filter, view);
  return res.Items;
}
async function bySubject(svc, folderId, subject) {
  const items = await findAll(svc, folderId, new ews.SearchFilter.IsEqualTo(ews.ItemSchema.Subject, subject));
  if (items.length !== 1) { throw new Error(items.length + ' items with subject ' + subject); }
  return items[0];
}

async function main() {
  const svc = new ews.ExchangeService(ews.ExchangeVersion[VERSION]);
  svc.Credentials = new ews.WebCredentials(USER, PASSWORD);
  svc.Url = new ews.Uri(URL);
  const inbox = new ews.FolderId(ews.WellKnownFolderName.Inbox);

  step('send_email');
  const subj = PREFIX + ' report';
  const m = new ews.EmailMessage(svc);
  m.Subject = subj;
  // ews-javascript-api writes values unescaped; its maintainers tell callers to escape HTML bodies (issues 217,
  // 368). Unescaped, Exchange (and the fake server) refuse the request as a schema violation.
  m.Body = new ews.MessageBody(ews.BodyType.HTML, escapeXML('<html><body><p>Quarterly <b>numbers</b></p></body></html>'));
  m.ToRecipients.Add(EMAIL);
  m.CcRecipients.Add('carol.nguyen@example.com');
  m.BccRecipients.Add('audit@example.com');
  m.Attachments.AddFileAttachment('numbers.csv', Buffer.from('q,amount\n1,100\n').toString('base64'));
  await m.SendAndSaveCopy();
  const sent = await find('Sent Items', subj);
  check(sent.length === 1, 'send_email: ' + sent.length + ' copies in Sent Items');
  const s = sent[0];
  check(s.bodyType === 'HTML' && s.body.includes('numbers'), 'send_email: body ' + JSON.stringify(s));
  check(same(s.to, [EMAIL]) && same(s.cc, ['carol.nguyen@example.com']) && same(s.bcc, ['audit@example.com']),
    'send_email: recipients ' + JSON.stringify(s));
  // ews-javascript-api sends the attachment twice: inside CreateItem (which Microsoft documents) and again with
  // CreateAttachment; the server keeps both, as it is asked to.
  check(s.attachments && s.attachments.length >= 1 && s.attachments.every((x) => x.name === 'numbers.csv' && x.size === 15),
    'send_email: attachments ' + JSON.stringify(s.attachments));
  const arrived = await find('Inbox', subj);
  check(arrived.length === 1 && !arrived[0].isRead, 'send_email: not delivered unread to the Inbox');
  for (const n of ['one', 'two', 'three', 'four']) {
    const x = new ews.EmailMessage(svc);
    x.Subject = PREFIX + ' ' + n;
    x.Body = new ews.MessageBody(ews.BodyType.Text, 'plain body ' + n);
    x.ToRecipients.Add(EMAIL);
    await x.SendAndSaveCopy();
  }

  step('get_email');
  const unread = await findAll(svc, inbox, new ews.SearchFilter.IsEqualTo(ews.EmailMessageSchema.IsRead, false));
  const wantUnread = (await folder('Inbox')).filter((it) => !it.isRead).map((it) => it.subject);
  check(same(unread.map((x) => x.Subject), wantUnread), 'get_email: saw ' + unread.length + ' unread, state has ' + wantUnread.length);
  for (const it of unread) {
    if (it.Subject === subj) { it.IsRead = true; await it.Update(ews.ConflictResolutionMode.AutoResolve); }
  }
  check((await find('Inbox', subj))[0].isRead, 'get_email: not marked read');

  step('mark_as_read');
  const one = await bySubject(svc, inbox, PREFIX + ' one');
  one.IsRead = true;
  await one.Update(ews.ConflictResolutionMode.AutoResolve);
  check((await find('Inbox', PREFIX + ' one'))[0].isRead, 'mark_as_read: still unread');

  step('move_email');
  const folders = await svc.FindFolders(inbox, new ews.SearchFilter.IsEqualTo(ews.FolderSchema.DisplayName, 'Processed'), new ews.FolderView(10));
  check(folders.Folders.length === 1, 'move_email: FindFolder found ' + folders.Folders.length + ' Processed folders');
  const processed = folders.Folders[0].Id;
  await one.Move(processed);
  check((await find('Inbox/Processed', PREFIX + ' one')).length === 1 && (await find('Inbox', PREFIX + ' one')).length === 0,
    'move_email: not moved to Inbox/Processed');
  const two = await bySubject(svc, inbox, PREFIX + ' two');
  await two.Move(ews.WellKnownFolderName.JunkEmail);
  check((await find('Junk Email', PREFIX + ' two')).length === 1, 'move_email: not in Junk Email');

  step('delete_email');
  const three = await bySubject(svc, inbox, PREFIX + ' three');
  await three.Delete(ews.DeleteMode.MoveToDeletedItems);
  check((await find('Deleted Items', PREFIX + ' three')).length === 1, 'delete_email: not in Deleted Items');
  const four = await bySubject(svc, inbox, PREFIX + ' four');
  await four.Delete(ews.DeleteMode.SoftDelete);
  check((await find('Inbox', PREFIX + ' four')).length === 0 && (await find('/Recoverable Items/Deletions', PREFIX + ' four')).length === 1,
    'delete_email: soft delete');
  const trashed = await bySubject(svc, new ews.FolderId(ews.WellKnownFolderName.DeletedItems), PREFIX + ' three');
  await trashed.Delete(ews.DeleteMode.HardDelete);
  check((await find('Deleted Items', PREFIX + ' three')).length === 0, 'delete_email: hard delete left the message');

  step('search_query');
  const state0 = await folder('Inbox');
  const bySender = await findAll(svc, inbox, new ews.SearchFilter.IsEqualTo(ews.EmailMessageSchema.From, EMAIL));
  check(same(bySender.map((x) => x.Subject), state0.filter((it) => (it.from || '').toLowerCase() === EMAIL.toLowerCase()).map((it) => it.subject)),
    'search_query: sender gave ' + bySender.map((x) => x.Subject));
  const bySubj = await findAll(svc, inbox, new ews.SearchFilter.ContainsSubstring(ews.ItemSchema.Subject, 'report'));
  const wantSubj = state0.filter((it) => it.subject.toLowerCase().includes('report')).map((it) => it.subject);
  check(wantSubj.length > 0 && same(bySubj.map((x) => x.Subject), wantSubj), 'search_query: subject gave ' + bySubj.map((x) => x.Subject));
  const byBody = await findAll(svc, inbox, new ews.SearchFilter.ContainsSubstring(ews.ItemSchema.Body, 'numbers'));
  check(same(byBody.map((x) => x.Subject), state0.filter((it) => it.body.toLowerCase().includes('numbers')).map((it) => it.subject)),
    'search_query: body gave ' + byBody.map((x) => x.Subject));
  const limited = await findAll(svc, inbox, undefined, 3);
  check(limited.length === 3, 'search_query: limit 3 gave ' + limited.length);
  if (svc.RequestedServerVersion >= ews.ExchangeVersion.Exchange2010) {
    const qs = (await svc.FindItems(inbox, 'subject:report', new ews.ItemView(100))).Items;
    check(same(qs.map((x) => x.Subject), wantSubj), 'search_query: query string gave ' + qs.map((x) => x.Subject));
  }
  const inProcessed = await findAll(svc, processed, new ews.SearchFilter.ContainsSubstring(ews.ItemSchema.Subject, PREFIX));
  check(same(inProcessed.map((x) => x.Subject), [PREFIX + ' one']), 'search_query: folder Inbox/Processed');

  step('create_event');
  const a = new ews.Appointment(svc);
  a.Subject = PREFIX + ' standup';
  a.Body = new ews.MessageBody(ews.BodyType.Text, 'Daily standup');
  a.Location = 'Room 2';
  a.Start = ews.DateTime.Parse('2030-03-04T09:00:00Z');
  a.End = ews.DateTime.Parse('2030-03-04T09:30:00Z');
  a.LegacyFreeBusyStatus = ews.LegacyFreeBusyStatus.Busy;
  a.IsReminderSet = true;
  a.ReminderMinutesBeforeStart = 10;
  a.RequiredAttendees.Add('bob.martin@example.com');
  a.OptionalAttendees.Add('carol.nguyen@example.com');
  a.Recurrence = new ews.Recurrence.WeeklyPattern(a.Start, 1, [ews.DayOfTheWeek.Monday, ews.DayOfTheWeek.Wednesday]);
  a.Recurrence.NumberOfOccurrences = 4;
  await a.Save(ews.WellKnownFolderName.Calendar, ews.SendInvitationsMode.SendToNone);
  const got = await find('Calendar', PREFIX + ' standup');
  check(got.length === 1, 'create_event: ' + got.length + ' items');
  const g = got[0];
  check(g.location === 'Room 2' && g.legacyFreeBusyStatus === 'Busy' && g.reminderMinutesBeforeStart === 10 &&
    same(g.requiredAttendees, ['bob.martin@example.com']) && same(g.optionalAttendees, ['carol.nguyen@example.com']) &&
    g.recurrence && g.recurrence.Count === 4, 'create_event: stored ' + JSON.stringify(g));

  step('get_events');
  const view = await svc.FindAppointments(ews.WellKnownFolderName.Calendar,
    new ews.CalendarView(ews.DateTime.Parse('2030-03-01T00:00:00Z'), ews.DateTime.Parse('2030-04-01T00:00:00Z')));
  const occ = view.Items.filter((x) => x.Subject === PREFIX + ' standup');
  check(occ.length === 4, 'get_events: ' + occ.length + ' occurrences, want 4');
  const days = sorted(new Set(occ.map((x) => x.Start.MomentDate.utc().day())));
  check(JSON.stringify(days) === '[1,3]', 'get_events: occurrence days ' + days);

  step('get_contacts');
  const contacts = await findAll(svc, new ews.FolderId(ews.WellKnownFolderName.Contacts));
  const wantContacts = await folder('Contacts');
  check(contacts.length === wantContacts.length && contacts.length > 0, 'get_contacts: ' + contacts.length + ', state ' + wantContacts.length);
  check(same(contacts.map((c) => c.DisplayName), wantContacts.map((c) => c.displayName)), 'get_contacts: display names');

  step('resolve_names');
  const res = await svc.ResolveName('carol', ews.ResolveNameSearchLocation.DirectoryThenContacts, true);
  check(res.Count >= 1 && res._getItem(0).Mailbox.Address.startsWith('carol'), 'resolve_names: ' + res.Count);

  console.log('ews-javascript-api: ' + checks + ' checks passed against ' + URL + ' (' + VERSION + ')');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  console.error('ews-javascript-api witness FAILED: ' + (e && e.message ? e.message : JSON.stringify(e)));
  process.exit(1);
});
