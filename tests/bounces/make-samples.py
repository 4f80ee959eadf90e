#!/usr/bin/env python3
"""Writes the sample bounces of tests/bounces/ (run once; the samples are
committed). Each is written by the team in the shape the named system
produces (Postfix, Exim, Sendmail, qmail, Exchange/Microsoft 365, Gmail,
Yahoo, Yahoo! JAPAN, docomo, au, SoftBank), with invented addresses
(example.jp, example.com, example.net) and documentation IP addresses
(192.0.2.x, 198.51.100.x, 203.0.113.x). expected.tsv says what each one
must be read as: class, reason, receiver (or -) per recipient, as the
team judged it from the text, not from kbgen's output."""
import base64, os, quopri, sys

here = os.path.dirname(os.path.abspath(__file__))
samples = []  # (name, bytes, [(recipient, class, reason, receiver)])
DATE = "Mon, 07 Dec 2026 10:15:42 +0900"
SENDER = "news@mail.example-shop.jp"
OUR_MTA = "mta3.example-mailer.jp"


def add(name, text, expect, charset=None):
    if isinstance(text, str):
        data = text.replace("\n", "\r\n").encode(charset or "utf-8")
    else:
        data = text
    samples.append((name, data, expect))


def enc_word(text, charset="UTF-8"):
    raw = text.encode("iso-2022-jp" if charset == "ISO-2022-JP" else charset)
    return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())


def original(to, subject="12月のお知らせ"):
    return ("Content-Type: text/rfc822-headers\n\n"
            "Return-Path: <bounce-1234@example-mailer.jp>\n"
            "From: Example Shop <%s>\nTo: <%s>\nSubject: %s\n"
            "Date: %s\nMessage-ID: <20261207011542.4711@%s>\n"
            % (SENDER, to, enc_word(subject), DATE, OUR_MTA))


def dsn_groups(groups):
    out = []
    for g in groups:
        lines = ["Final-Recipient: rfc822; %s" % g["to"],
                 "Original-Recipient: rfc822;%s" % g["to"],
                 "Action: %s" % g.get("action", "failed"),
                 "Status: %s" % g["status"]]
        if g.get("remote"):
            lines.append("Remote-MTA: dns; %s" % g["remote"])
        if g.get("diag"):
            lines.append("Diagnostic-Code: smtp; %s" % g["diag"])
        if g.get("last"):
            lines.append("Last-Attempt-Date: %s" % DATE)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def report(boundary, from_, subject, human, dsn, orig, reporting=OUR_MTA,
           human_type="text/plain; charset=us-ascii", human_cte=None,
           extra_headers=""):
    human_headers = "Content-Description: Notification\nContent-Type: %s\n" % human_type
    if human_cte:
        human_headers += "Content-Transfer-Encoding: %s\n" % human_cte
    return ("Return-Path: <>\nReceived: by %s (Postfix, from userid 0)\n"
            "\tid 4QxY2z1K3vz9sT; %s\n"
            "Date: %s\nFrom: %s\nSubject: %s\nTo: %s\n%s"
            "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status;\n"
            "\tboundary=\"%s\"\nContent-Transfer-Encoding: 8bit\n"
            "Message-Id: <20261207011542.4QxY2z1K3vz9sT@%s>\n\n"
            "This is a MIME-encapsulated message.\n\n"
            "--%s\n%s\n%s\n\n--%s\n"
            "Content-Description: Delivery report\n"
            "Content-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; %s\nX-Postfix-Queue-ID: 4QxY2z1K3vz9sT\n"
            "X-Postfix-Sender: rfc822; bounce-1234@example-mailer.jp\n"
            "Arrival-Date: %s\n\n%s\n\n--%s\n%s\n--%s--\n"
            % (OUR_MTA, DATE, DATE, from_, subject,
               "bounce-1234@example-mailer.jp", extra_headers, boundary,
               OUR_MTA, boundary, human_headers, human, boundary, reporting,
               DATE, dsn, boundary, orig, boundary))


POSTFIX_FROM = "MAILER-DAEMON@%s (Mail Delivery System)" % OUR_MTA
POSTFIX_SUBJECT = "Undelivered Mail Returned to Sender"


def postfix_human(entries):
    text = ("This is the mail system at host %s.\n\n"
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients. It's attached below.\n\n"
            "For further assistance, please send mail to postmaster.\n\n"
            "If you do so, please include this problem report. You can\n"
            "delete your own text from the attached returned message.\n\n"
            "                   The mail system\n" % OUR_MTA)
    for to, said in entries:
        text += "\n<%s>: %s\n" % (to, said)
    return text


def postfix(name, groups, said, expect, subject=POSTFIX_SUBJECT):
    dsn = dsn_groups(groups)
    human = postfix_human([(g["to"], s) for g, s in zip(groups, said)])
    add(name, report("4QxY2z1K3vz9sT.1701911742/" + OUR_MTA, POSTFIX_FROM,
                     subject, human, dsn, original(groups[0]["to"])), expect)


# ---- Postfix -------------------------------------------------------------------
postfix("postfix-user-unknown.eml",
        [dict(to="taro.yamada@example.jp", status="5.1.1", remote="mx1.example.jp",
              diag="550 5.1.1 <taro.yamada@example.jp>: Recipient address rejected: User unknown in local recipient table")],
        ["host mx1.example.jp[192.0.2.25] said: 550 5.1.1\n    <taro.yamada@example.jp>: Recipient address rejected: User unknown in\n    local recipient table (in reply to RCPT TO command)"],
        [("taro.yamada@example.jp", "permanent", "user-unknown", "-")])
postfix("postfix-gmail-user-unknown.eml",
        [dict(to="hanako@example.com", status="5.1.1", remote="gmail-smtp-in.l.google.com",
              diag="550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser d9443c01a7336-1f2d9a1b2c3si123456pjb.88 - gsmtp")],
        ["host gmail-smtp-in.l.google.com[198.51.100.27] said:\n    550-5.1.1 The email account that you tried to reach does not exist. Please\n    try double-checking the recipient's email address for typos or unnecessary\n    spaces. For more information, go to\n    550 5.1.1  https://support.google.com/mail/?p=NoSuchUser\n    d9443c01a7336-1f2d9a1b2c3si123456pjb.88 - gsmtp (in reply to RCPT TO\n    command)"],
        [("hanako@example.com", "permanent", "user-unknown", "Gmail")])
postfix("postfix-gmail-unauthenticated.eml",
        [dict(to="jiro@example.com", status="5.7.26", remote="gmail-smtp-in.l.google.com",
              diag="550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [example-shop.jp] with ip: [192.0.2.155] = did not pass For instructions on setting up authentication, go to https://support.google.com/mail/answer/81126#authentication 41be03b00d2f7-5e1a2b3c4d5si1234567a12.345 - gsmtp")],
        ["host gmail-smtp-in.l.google.com[198.51.100.26] said:\n    550-5.7.26 This mail has been blocked because the sender is\n    unauthenticated. (in reply to end of DATA command)"],
        [("jiro@example.com", "permanent", "authentication", "Gmail")])
postfix("postfix-gmail-over-quota.eml",
        [dict(to="saburo@example.com", status="4.2.2", remote="gmail-smtp-in.l.google.com",
              diag="452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp 5b1f17b1804b1-43a1b2c3d4esi123456f12.88 - gsmtp")],
        ["host gmail-smtp-in.l.google.com[198.51.100.26] said:\n    452-4.2.2 The recipient's inbox is out of storage space. (in reply to RCPT\n    TO command)"],
        [("saburo@example.com", "temporary", "mailbox-full", "Gmail")])
postfix("postfix-spamhaus.eml",
        [dict(to="info@example.net", status="5.7.1", remote="mail.example.net",
              diag="554 5.7.1 Service unavailable; Client host [192.0.2.155] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.155")],
        ["host mail.example.net[203.0.113.10] said: 554 5.7.1 Service\n    unavailable; Client host [192.0.2.155] blocked using zen.spamhaus.org;\n    https://www.spamhaus.org/query/ip/192.0.2.155 (in reply to RCPT TO command)"],
        [("info@example.net", "permanent", "blocked", "-")])
postfix("postfix-rate-expired.eml",
        [dict(to="shiro@example.com", status="4.7.28", remote="gmail-smtp-in.l.google.com",
              diag="421-4.7.28 [192.0.2.155 15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp")],
        ["host gmail-smtp-in.l.google.com[198.51.100.26] said: 421-4.7.28\n    [192.0.2.155 15] Our system has detected an unusual rate of unsolicited\n    mail originating from your IP address. (in reply to end of DATA command)"],
        [("shiro@example.com", "temporary", "rate-limited", "Gmail")])
postfix("postfix-host-not-found.eml",
        [dict(to="goro@example.invalid", status="5.4.4",
              diag=None)],
        ["Host or domain name not found. Name service error for\n    name=example.invalid type=A: Host not found"],
        [("goro@example.invalid", "permanent", "host-unknown", "-")])
postfix("postfix-timeout.eml",
        [dict(to="rokuro@example.net", status="4.4.1", diag=None)],
        ["connect to mx.example.net[203.0.113.40]:25: Connection timed out"],
        [("rokuro@example.net", "temporary", "network-error", "-")])
postfix("postfix-too-big.eml",
        [dict(to="nana@example.jp", status="5.3.4", remote="mx.example.jp",
              diag="552 5.3.4 Message size exceeds fixed limit")],
        ["host mx.example.jp[192.0.2.30] said: 552 5.3.4 Message size exceeds\n    fixed limit (in reply to end of DATA command)"],
        [("nana@example.jp", "permanent", "message-too-big", "-")])
postfix("postfix-relay-denied.eml",
        [dict(to="hachi@example.org", status="5.7.1", remote="mx.example.org",
              diag="554 5.7.1 <hachi@example.org>: Relay access denied")],
        ["host mx.example.org[203.0.113.5] said: 554 5.7.1 <hachi@example.org>:\n    Relay access denied (in reply to RCPT TO command)"],
        [("hachi@example.org", "permanent", "policy", "-")])
postfix("postfix-three-recipients.eml",
        [dict(to="a.sato@example.jp", status="5.1.1", remote="mx.example.jp",
              diag="550 5.1.1 <a.sato@example.jp>: Recipient address rejected: User unknown in virtual mailbox table"),
         dict(to="b.suzuki@example.jp", status="5.2.2", remote="mx.example.jp",
              diag="552 5.2.2 <b.suzuki@example.jp>: Mailbox full"),
         dict(to="c.takahashi@example.jp", status="4.4.2", remote="mx.example.jp",
              diag=None)],
        ["host mx.example.jp[192.0.2.25] said: 550 5.1.1 <a.sato@example.jp>:\n    Recipient address rejected: User unknown in virtual mailbox table (in reply\n    to RCPT TO command)",
         "host mx.example.jp[192.0.2.25] said: 552 5.2.2 <b.suzuki@example.jp>:\n    Mailbox full (in reply to RCPT TO command)",
         "lost connection with mx.example.jp[192.0.2.25] while sending end of\n    data -- message may be sent more than once"],
        [("a.sato@example.jp", "permanent", "user-unknown", "-"),
         ("b.suzuki@example.jp", "permanent", "mailbox-full", "-"),
         ("c.takahashi@example.jp", "temporary", "network-error", "-")])
postfix("postfix-delayed.eml",
        [dict(to="kuro@example.com", status="4.4.1", action="delayed", diag=None)],
        ["delivery temporarily suspended: connect to mx.example.com[198.51.100.80]:25:\n    Connection refused"],
        [("kuro@example.com", "temporary", "network-error", "-")],
        subject="Delayed Mail (still being retried)")
postfix("postfix-ptr.eml",
        [dict(to="juu@example.com", status="5.7.25", remote="gmail-smtp-in.l.google.com",
              diag="550-5.7.25 [192.0.2.155] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. - gsmtp")],
        ["host gmail-smtp-in.l.google.com[198.51.100.26] said: 550-5.7.25\n    [192.0.2.155] The IP address sending this message does not have a PTR\n    record setup (in reply to end of DATA command)"],
        [("juu@example.com", "permanent", "policy", "Gmail")])
postfix("postfix-yahoo-ts01.eml",
        [dict(to="mike@example.com", status="4.7.0", remote="mta7.am0.yahoodns.net",
              diag="421 4.7.0 [TS01] Messages from 192.0.2.155 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes")],
        ["host mta7.am0.yahoodns.net[198.51.100.138] said: 421 4.7.0 [TS01]\n    Messages from 192.0.2.155 temporarily deferred due to unexpected volume or\n    user complaints (in reply to MAIL FROM command)"],
        [("mike@example.com", "temporary", "rate-limited", "Yahoo")])
postfix("postfix-outlook-blocked.eml",
        [dict(to="ken@example.com", status="5.7.1", remote="example-com.mail.protection.outlook.com",
              diag="550 5.7.1 Unfortunately, messages from [192.0.2.155] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.")],
        ["host example-com.mail.protection.outlook.com[198.51.100.112] said: 550 5.7.1\n    Unfortunately, messages from [192.0.2.155] weren't sent. Please contact your\n    Internet service provider since part of their network is on our block list\n    (S3150). (in reply to MAIL FROM command)"],
        [("ken@example.com", "permanent", "blocked", "Microsoft 365 / Outlook.com")])
postfix("postfix-tls.eml",
        [dict(to="tls@example.org", status="4.7.5", diag=None)],
        ["TLS is required, but was not offered by host mx.example.org[203.0.113.9]"],
        [("tls@example.org", "temporary", "policy", "-")])

# ---- Exim ------------------------------------------------------------------------
def exim(name, failed, body, expect, temporary=False):
    kind = ("This is a temporary error. The following address(es) deferred:"
            if temporary else
            "This is a permanent error. The following address(es) failed:")
    text = ("Return-path: <>\nEnvelope-to: bounce-1234@example-mailer.jp\n"
            "Delivery-date: %s\nReceived: from mailnull by relay.example-mailer.jp with local (Exim 4.96)\n"
            "\tid 1rBc2D-000Abc-1x\n\tfor bounce-1234@example-mailer.jp; %s\n"
            "X-Failed-Recipients: %s\nAuto-Submitted: auto-replied\n"
            "From: Mail Delivery System <Mailer-Daemon@relay.example-mailer.jp>\n"
            "To: bounce-1234@example-mailer.jp\nContent-Type: text/plain; charset=us-ascii\n"
            "Subject: Mail delivery failed: returning message to sender\n"
            "Message-Id: <E1rBc2D-000Abc-1x@relay.example-mailer.jp>\nDate: %s\n\n"
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. %s\n\n%s\n"
            "------ This is a copy of the message, including all the headers. ------\n\n"
            "Return-path: <bounce-1234@example-mailer.jp>\nFrom: %s\nTo: %s\n"
            "Subject: =?UTF-8?B?5Zyo5bqr44Gu44GK55+l44KJ44Gb?=\n\n"
            "本日のおすすめ商品は 550円 からです。5.1.1 のような番号はここでは無関係です。\n"
            % (DATE, DATE, ", ".join(failed), DATE, kind, body, SENDER, failed[0]))
    add(name, text, expect)


exim("exim-user-unknown.eml", ["ichiro@example.net"],
     "  ichiro@example.net\n    host mx.example.net [203.0.113.20]\n"
     "    SMTP error from remote mail server after RCPT TO:<ichiro@example.net>:\n"
     "    550 5.1.1 <ichiro@example.net>: Recipient address rejected: User unknown\n",
     [("ichiro@example.net", "permanent", "user-unknown", "-")])
exim("exim-mailbox-full.eml", ["fuji@example.net"],
     "  fuji@example.net\n    host mx.example.net [203.0.113.20]\n"
     "    SMTP error from remote mail server after RCPT TO:<fuji@example.net>:\n"
     "    552 Mailbox size limit exceeded\n",
     [("fuji@example.net", "permanent", "mailbox-full", "-")])
exim("exim-retry-timeout.eml", ["hoshi@example.org"],
     "  hoshi@example.org\n    retry timeout exceeded\n",
     [("hoshi@example.org", "unknown", "expired", "-")])
exim("exim-unrouteable.eml", ["umi@example.invalid"],
     "  umi@example.invalid\n    Unrouteable address\n",
     [("umi@example.invalid", "permanent", "host-unknown", "-")])
exim("exim-blocked.eml", ["kawa@example.com"],
     "  kawa@example.com\n    host mx.example.com [198.51.100.60]\n"
     "    SMTP error from remote mail server after MAIL FROM:<bounce-1234@example-mailer.jp> SIZE=5120:\n"
     "    550 Your IP 192.0.2.155 is listed at bl.spamcop.net\n",
     [("kawa@example.com", "permanent", "blocked", "-")])
exim("exim-two-recipients.eml", ["yama@example.jp", "mori@example.jp"],
     "  yama@example.jp\n    host mx.example.jp [192.0.2.40]\n"
     "    SMTP error from remote mail server after RCPT TO:<yama@example.jp>:\n"
     "    550 5.1.1 No such user here\n\n"
     "  mori@example.jp\n    host mx.example.jp [192.0.2.40]\n"
     "    SMTP error from remote mail server after RCPT TO:<mori@example.jp>:\n"
     "    550 5.2.1 Mailbox disabled for this recipient\n",
     [("yama@example.jp", "permanent", "user-unknown", "-"),
      ("mori@example.jp", "permanent", "suspended", "-")])
exim("exim-spam-content.eml", ["sora@example.com"],
     "  sora@example.com\n    host mx.example.com [198.51.100.61]\n"
     "    SMTP error from remote mail server after end of data:\n"
     "    550 5.7.1 Message rejected: classified as spam (score 12.4)\n",
     [("sora@example.com", "permanent", "spam-detected", "-")])
exim("exim-deferred.eml", ["tsuki@example.org"],
     "  tsuki@example.org\n    host mx.example.org [203.0.113.70]\n"
     "    SMTP error from remote mail server after RCPT TO:<tsuki@example.org>:\n"
     "    451 4.7.1 Greylisted, please try again later\n",
     [("tsuki@example.org", "temporary", "other", "-")], temporary=True)

# ---- Sendmail ------------------------------------------------------------------
def sendmail(name, to, human, status, diag, expect, remote=None):
    human_text = ("The original message was received at %s\nfrom localhost [127.0.0.1]\n\n"
                  "   ----- The following addresses had permanent fatal errors -----\n%s\n"
                  % (DATE, human))
    dsn = dsn_groups([dict(to=to, status=status, remote=remote, diag=diag, last=True)])
    add(name, report("wB7ALgKq004711.1701911742/smtp.example-corp.jp",
                     "Mail Delivery Subsystem <MAILER-DAEMON@smtp.example-corp.jp>",
                     "Returned mail: see transcript for details", human_text, dsn,
                     original(to), reporting="smtp.example-corp.jp"), expect)


sendmail("sendmail-user-unknown.eml", "aoi@example.jp",
         "<aoi@example.jp>\n    (reason: 550 5.1.1 <aoi@example.jp>... User unknown)\n\n"
         "   ----- Transcript of session follows -----\n... while talking to mx.example.jp.:\n"
         ">>> RCPT To:<aoi@example.jp>\n<<< 550 5.1.1 <aoi@example.jp>... User unknown\n"
         "550 5.1.1 <aoi@example.jp>... User unknown",
         "5.1.1", "550 5.1.1 <aoi@example.jp>... User unknown",
         [("aoi@example.jp", "permanent", "user-unknown", "-")], remote="mx.example.jp")
sendmail("sendmail-host-unknown.eml", "midori@example.invalid",
         "<midori@example.invalid>\n\n   ----- Transcript of session follows -----\n"
         "550 5.1.2 <midori@example.invalid>... Host unknown (Name server: example.invalid: host not found)",
         "5.1.2", None, [("midori@example.invalid", "permanent", "host-unknown", "-")])
sendmail("sendmail-mailbox-full.eml", "akane@example.jp",
         "<akane@example.jp>\n    (reason: 552 5.2.2 Mailbox full)",
         "5.2.2", "552 5.2.2 Mailbox full", [("akane@example.jp", "permanent", "mailbox-full", "-")],
         remote="mx.example.jp")
sendmail("sendmail-relaying-denied.eml", "kiiro@example.org",
         "<kiiro@example.org>\n    (reason: 550 5.7.1 <kiiro@example.org>... Relaying denied)",
         "5.7.1", "550 5.7.1 <kiiro@example.org>... Relaying denied",
         [("kiiro@example.org", "permanent", "policy", "-")], remote="mx.example.org")
sendmail("sendmail-loop.eml", "loop@example.jp",
         "<loop@example.jp>\n    (reason: 554 5.4.6 Too many hops)",
         "5.4.6", "554 5.4.6 Too many hops 26 (25 max): from <bounce-1234@example-mailer.jp> via localhost, to <loop@example.jp>",
         [("loop@example.jp", "permanent", "mailer-error", "-")])
add("sendmail-warning-delayed.eml",
    "From: Mail Delivery Subsystem <MAILER-DAEMON@smtp.example-corp.jp>\n"
    "To: bounce-1234@example-mailer.jp\nSubject: Warning: could not send message for past 4 hours\n"
    "Date: %s\nMIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"wB7Warn.1701911742\"\n\n"
    "--wB7Warn.1701911742\n\n"
    "    **********************************************\n"
    "    **      THIS IS A WARNING MESSAGE ONLY      **\n"
    "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n"
    "    **********************************************\n\n"
    "The original message was received at %s\n\n"
    "   ----- Transcript of session follows -----\n"
    "<murasaki@example.net>... Deferred: Connection timed out with mx.example.net.\n"
    "Warning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n\n"
    "--wB7Warn.1701911742\nContent-Type: message/delivery-status\n\n"
    "Reporting-MTA: dns; smtp.example-corp.jp\n\n"
    "Final-Recipient: RFC822; murasaki@example.net\nAction: delayed\nStatus: 4.4.1\n"
    "Will-Retry-Until: Sat, 12 Dec 2026 10:15:42 +0900\n\n--wB7Warn.1701911742--\n" % (DATE, DATE),
    [("murasaki@example.net", "temporary", "network-error", "-")])

# ---- qmail -----------------------------------------------------------------------
def qmail(name, body, expect):
    add(name, "Return-Path: <>\nDate: 7 Dec 2026 01:15:42 -0000\n"
        "From: MAILER-DAEMON@mail.example-host.net\nTo: bounce-1234@example-mailer.jp\n"
        "Subject: failure notice\n\n"
        "Hi. This is the qmail-send program at mail.example-host.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        "%s\n--- Below this line is a copy of the message.\n\n"
        "Return-Path: <bounce-1234@example-mailer.jp>\nTo: someone@example.jp\n"
        "Subject: test\n\nThe 550 points campaign ends 2026-12-31.\n" % body, expect)


qmail("qmail-user-unknown.eml",
      "<suzu@example.net>:\n192.0.2.25 does not like recipient.\n"
      "Remote host said: 550 5.1.1 <suzu@example.net>: Recipient address rejected: User unknown\n"
      "Giving up on 192.0.2.25.\n",
      [("suzu@example.net", "permanent", "user-unknown", "-")])
qmail("qmail-no-host.eml",
      "<kaede@example.invalid>:\nSorry, I couldn't find any host named example.invalid. (#5.1.2)\n",
      [("kaede@example.invalid", "permanent", "host-unknown", "-")])
qmail("qmail-over-quota.eml",
      "<ume@example.net>:\nuser is over quota\n",
      [("ume@example.net", "unknown", "mailbox-full", "-")])
qmail("qmail-connection-died.eml",
      "<sakura@example.org>:\n203.0.113.90 failed after I sent the message.\n"
      "Remote host said: 554 5.7.1 This message has been blocked because it contains a virus\n",
      [("sakura@example.org", "permanent", "content-rejected", "-")])
qmail("qmail-two.eml",
      "<momo@example.net>:\nThis address no longer accepts mail.\n\n"
      "<kiri@example.net>:\n192.0.2.25 does not like recipient.\n"
      "Remote host said: 550 5.7.1 Message rejected due to local policy\nGiving up on 192.0.2.25.\n",
      [("momo@example.net", "unknown", "suspended", "-"),
       ("kiri@example.net", "permanent", "policy", "-")])

# ---- Exchange / Microsoft 365 ------------------------------------------------------
def exchange(name, to, html_reason, status, diag, expect, generating="TY2PR01MB1234.jpnprd01.prod.outlook.com"):
    html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "<style>.x{color:red}</style></head><body>"
            "<p><b><font color=\"#000066\">Your message to %s couldn't be delivered.</font></b></p>"
            "<p>%s</p><p><b>Diagnostic information for administrators:</b></p>"
            "<p>Generating server: %s<br><br>%s<br>Remote server returned '%s'<br></p>"
            "</body></html>" % (to, html_reason, generating, to, diag))
    text = ("Your message to %s couldn't be delivered.\n\n%s\n\n"
            "Diagnostic information for administrators:\n\nGenerating server: %s\n\n%s\n"
            "Remote server returned '%s'\n" % (to, html_reason, generating, to, diag))
    boundary = "_000_TY2PR01MB1234ABCDEF_"
    body = ("From: Microsoft Outlook <postmaster@example-corp.onmicrosoft.com>\n"
            "To: <bounce-1234@example-mailer.jp>\nDate: %s\n"
            "Subject: Undeliverable: =?utf-8?B?MTLmnIjjga7jgYrnn6XjgonjgZs=?=\n"
            "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"%s\"\n"
            "MIME-Version: 1.0\n\n--%s\nContent-Type: multipart/alternative; boundary=\"alt_%s\"\n\n"
            "--alt_%s\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n%s\n"
            "--alt_%s\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n%s\n"
            "--alt_%s--\n\n--%s\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns;%s\nReceived-From-MTA: dns;%s\nArrival-Date: %s\n\n%s\n\n"
            "--%s\nContent-Type: message/rfc822\n\nFrom: %s\nTo: %s\nSubject: hello\n\nbody\n--%s--\n"
            % (DATE, boundary, boundary, boundary, boundary,
               quopri.encodestring(text.encode()).decode(), boundary,
               base64.encodebytes(html.encode()).decode(), boundary, boundary,
               generating, OUR_MTA, DATE,
               dsn_groups([dict(to=to, status=status, diag=diag, remote=None)]),
               boundary, SENDER, to, boundary))
    add(name, body, expect)


exchange("m365-recipient-not-found.eml", "yuki@example.com",
         "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.",
         "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
         [("yuki@example.com", "permanent", "user-unknown", "Microsoft 365 / Outlook.com")])
exchange("m365-not-authorized.eml", "sales@example.com",
         "Your message couldn't be delivered because the recipient's email provider rejected it.",
         "5.7.1", "550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized",
         [("sales@example.com", "permanent", "policy", "Microsoft 365 / Outlook.com")])
exchange("m365-mailbox-full.eml", "boss@example.com",
         "The recipient's mailbox is full and can't accept messages now.",
         "5.2.2", "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded",
         [("boss@example.com", "permanent", "mailbox-full", "Microsoft 365 / Outlook.com")])
exchange("m365-high-risk-ip.eml", "hr@example.com",
         "Your message wasn't delivered because the recipient's email provider rejected it.",
         "5.7.708", "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
         [("hr@example.com", "permanent", "blocked", "Microsoft 365 / Outlook.com")])
exchange("m365-expired.eml", "remote@example.com",
         "Delivery of this message was delayed and the message has expired.",
         "4.4.7", "550 4.4.7 QUEUE.Expired; message expired",
         [("remote@example.com", "temporary", "expired", "Microsoft 365 / Outlook.com")])
exchange("m365-dmarc.eml", "legal@example.com",
         "Your message wasn't delivered because the sender's domain failed authentication.",
         "5.7.509", "550 5.7.509 Access denied, sending domain example-shop.jp does not pass DMARC verification and has a DMARC policy of reject.",
         [("legal@example.com", "permanent", "authentication", "Microsoft 365 / Outlook.com")])
exchange("m365-hop-count.eml", "loop@example.com",
         "The message couldn't be delivered because a mail loop was detected.",
         "5.4.14", "554 5.4.14 Hop count exceeded - possible mail loop ATTR34",
         [("loop@example.com", "permanent", "mailer-error", "Microsoft 365 / Outlook.com")])

# ---- Gmail (Gmail is the sender's MTA) ------------------------------------------
def gmail(name, to, title, human, status, diag, expect, action="failed"):
    boundary = "000000000000d1e2f3a4b5c6d7e8"
    body = ("Delivered-To: owner@example-shop.jp\nReturn-Path: <>\n"
            "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
            "To: owner@example-shop.jp\nAuto-Submitted: auto-replied\n"
            "Subject: Delivery Status Notification (%s)\nDate: %s\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; boundary=\"%s\"; report-type=delivery-status\n\n"
            "--%s\nContent-Type: multipart/related; boundary=\"rel%s\"\n\n"
            "--rel%s\nContent-Type: multipart/alternative; boundary=\"alt%s\"\n\n"
            "--alt%s\nContent-Type: text/plain; charset=\"UTF-8\"\n\n\n** %s **\n\n%s\n\n"
            "The response from the remote server was:\n%s\n\n"
            "--alt%s\nContent-Type: text/html; charset=\"UTF-8\"\n\n<html><body><h1>%s</h1><p>%s</p></body></html>\n"
            "--alt%s--\n--rel%s--\n--%s\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; googlemail.com\nReceived-From-MTA: dns; owner@example-shop.jp\n"
            "Arrival-Date: %s\nX-Original-Message-ID: <CAB1x@mail.gmail.com>\n\n%s\n\n"
            "--%s\nContent-Type: message/rfc822\n\nFrom: owner@example-shop.jp\nTo: %s\n\nhi\n--%s--\n"
            % ("Delay" if action == "delayed" else "Failure", DATE, boundary, boundary,
               boundary, boundary, boundary, boundary, title, human, diag, boundary, title,
               human, boundary, boundary, boundary, DATE,
               dsn_groups([dict(to=to, status=status, action=action,
                                remote="mx.%s" % to.split("@")[1], diag=diag, last=True)]),
               boundary, to, boundary))
    add(name, body, expect)


gmail("gmail-address-not-found.eml", "tanaka@example.jp", "Address not found",
      "Your message wasn't delivered to tanaka@example.jp because the address couldn't be found, or is unable to receive mail.",
      "5.1.1", "550 5.1.1 <tanaka@example.jp>: Recipient address rejected: User unknown",
      [("tanaka@example.jp", "permanent", "user-unknown", "-")])
gmail("gmail-blocked.eml", "watanabe@example.jp", "Message blocked",
      "Your message to watanabe@example.jp has been blocked. See technical details below for more information.",
      "5.7.1", "550 5.7.1 Rejected: 192.0.2.155 listed at b.barracudacentral.org",
      [("watanabe@example.jp", "permanent", "blocked", "-")])
gmail("gmail-domain-not-found.eml", "ito@example.invalid", "Address not found",
      "There was a problem delivering your message to ito@example.invalid. See the technical details below.",
      "5.1.2", "DNS Error: DNS type 'mx' lookup of example.invalid responded with code NXDOMAIN Domain name not found: example.invalid",
      [("ito@example.invalid", "permanent", "host-unknown", "-")])
gmail("gmail-delay.eml", "kato@example.net", "Message not delivered yet",
      "There was a temporary problem delivering your message to kato@example.net. Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.",
      "4.4.1", "The recipient server did not accept our requests to connect. For more information, go to https://support.google.com/mail/answer/7720 [mx.example.net. 203.0.113.77: timed out]",
      [("kato@example.net", "temporary", "network-error", "-")], action="delayed")
gmail("gmail-too-large.eml", "yoshida@example.jp", "Message not delivered",
      "Your message couldn't be delivered to yoshida@example.jp because it was too large.",
      "5.2.3", "552 5.2.3 Message size exceeds maximum permitted",
      [("yoshida@example.jp", "permanent", "message-too-big", "-")])
gmail("gmail-spam.eml", "yamamoto@example.jp", "Message blocked",
      "Your message to yamamoto@example.jp has been blocked.",
      "5.7.1", "554 5.7.1 Message refused: looks like spam (score 9.1)",
      [("yamamoto@example.jp", "permanent", "spam-detected", "-")])

# ---- Yahoo (US) and Yahoo! JAPAN ------------------------------------------------
def yahoo(name, to, body, expect):
    add(name, "From: MAILER-DAEMON@yahoo.com\nTo: bounce-1234@example-mailer.jp\n"
        "Subject: Failure Notice\nDate: %s\n\n"
        "Sorry, we were unable to deliver your message to the following address.\n\n"
        "<%s>:\n%s\n\n--- Below this line is a copy of the message.\n\nSubject: hi\n" % (DATE, to, body),
        expect)


yahoo("yahoo-no-account.eml", "emma@example.com",
      "554: delivery error: dd This user doesn't have a yahoo.com account (emma@example.com) [0] - mta1012.mail.gq1.yahoo.com",
      [("emma@example.com", "permanent", "user-unknown", "Yahoo")])
yahoo("yahoo-mailbox-full.eml", "olivia@example.com",
      "552 1 Requested mail action aborted, mailbox is full - mta1013.mail.gq1.yahoo.com",
      [("olivia@example.com", "permanent", "mailbox-full", "Yahoo")])
yahoo("yahoo-disabled.eml", "ava@example.com",
      "554: delivery error: dd Not a valid recipient - atlas115.free.mail.ne1.yahoo.com; account is disabled",
      [("ava@example.com", "permanent", "suspended", "Yahoo")])
add("yahoo-ts04-line.txt",
    "553 5.7.2 [TSS09] All messages from 192.0.2.155 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes\n",
    [(None, "permanent", "policy", "-")])

def yahoo_japan(name, to, ja, diag, status, expect, charset="UTF-8"):
    human = ("このメールは Yahoo!メールの配送システムから自動で送信されています。\n\n"
             "以下の宛先にメールを配送できませんでした。\n\n<%s>\n%s\n" % (to, ja))
    raw = human.replace("\n", "\r\n").encode("iso-2022-jp" if charset == "ISO-2022-JP" else "utf-8")
    if charset == "ISO-2022-JP":
        human_part = raw.decode("latin-1")
        ctype, cte = "text/plain; charset=ISO-2022-JP", "7bit"
    else:
        human_part = base64.encodebytes(raw).decode()
        ctype, cte = "text/plain; charset=UTF-8", "base64"
    body = report("yjbounce_20261207", "MAILER-DAEMON@mta501.mail.kks.yahoo.co.jp",
                  enc_word("配信エラー(メールを配送できませんでした)", charset if charset == "ISO-2022-JP" else "UTF-8"),
                  human_part, dsn_groups([dict(to=to, status=status, diag=diag,
                                               remote="mx.mail.yahoo.co.jp")]),
                  original(to), reporting="mta501.mail.kks.yahoo.co.jp",
                  human_type=ctype, human_cte=cte)
    add(name, body.replace("\n", "\r\n").encode("latin-1") if charset == "ISO-2022-JP" else body, expect)


yahoo_japan("yahoo-japan-user-unknown.eml", "kenta@example.jp",
            "宛先のメールアドレスが見つかりません。アドレスをお確かめください。",
            "550 5.1.1 <kenta@example.jp>: user unknown", "5.1.1",
            [("kenta@example.jp", "permanent", "user-unknown", "Yahoo! JAPAN")])
yahoo_japan("yahoo-japan-full-iso2022jp.eml", "misaki@example.jp",
            "受信者のメールボックスの容量がいっぱいのため、配送できませんでした。",
            "552 5.2.2 <misaki@example.jp>: mailbox full", "5.2.2",
            [("misaki@example.jp", "permanent", "mailbox-full", "Yahoo! JAPAN")], charset="ISO-2022-JP")
yahoo_japan("yahoo-japan-spam.eml", "daiki@example.jp",
            "迷惑メールと判定されたため、受信を拒否しました。",
            "554 5.7.1 <daiki@example.jp>: rejected as spam", "5.7.1",
            [("daiki@example.jp", "permanent", "spam-detected", "Yahoo! JAPAN")])

# ---- docomo, au, SoftBank --------------------------------------------------------
def carrier_dsn(name, reporting, to, status, diag, human_ja, expect, charset="ISO-2022-JP"):
    raw = human_ja.replace("\n", "\r\n").encode("iso-2022-jp" if charset == "ISO-2022-JP" else "shift_jis")
    if charset == "ISO-2022-JP":
        human_part, ctype, cte = raw.decode("latin-1"), "text/plain; charset=\"iso-2022-jp\"", "7bit"
    else:
        human_part = quopri.encodestring(raw).decode("ascii")
        ctype, cte = "text/plain; charset=Shift_JIS", "quoted-printable"
    body = report("%s_boundary_1701911742" % reporting.split(".")[0], "Mail Delivery Subsystem <MAILER-DAEMON@%s>" % reporting,
                  "Returned mail: User unknown" if "Unknown" in (diag or "") else "Returned mail: see transcript for details",
                  human_part, dsn_groups([dict(to=to, status=status, diag=diag, remote=None)]),
                  original(to), reporting=reporting, human_type=ctype, human_cte=cte)
    add(name, body.replace("\n", "\r\n").encode("latin-1"), expect)


carrier_dsn("docomo-unknown-user.eml", "mfsmax.docomo.ne.jp", "yui@example.jp", "5.0.0",
            "550 Unknown user yui@example.jp",
            "次の宛先へのメールは配信できませんでした。\n\n宛先のアドレスは存在しません。\n",
            [("yui@example.jp", "permanent", "user-unknown", "docomo")])
carrier_dsn("docomo-rejected.eml", "mfsmax.docomo.ne.jp", "rin@example.jp", "5.2.0",
            "550 Unknown user rin@example.jp",
            "受信者の設定(迷惑メール対策)により受信を拒否しました。\n",
            [("rin@example.jp", "permanent", "user-unknown", "docomo")])
carrier_dsn("docomo-sjis.eml", "mfsmax.docomo.ne.jp", "sora.k@example.jp", "5.0.0",
            "550 Unknown user sora.k@example.jp",
            "次の宛先へのメールは配信できませんでした。\nメールアドレスをご確認ください。\n",
            [("sora.k@example.jp", "permanent", "user-unknown", "docomo")], charset="SHIFT_JIS")
carrier_dsn("softbank-unknown-user.eml", "mx.softbank.ne.jp", "haruto@example.jp", "5.0.0",
            "550 <haruto@example.jp>: Unknown user",
            "このメールは配信できませんでした。宛先のメールアドレスをご確認ください。\n",
            [("haruto@example.jp", "permanent", "user-unknown", "SoftBank")])
carrier_dsn("softbank-mailbox-full.eml", "mx.softbank.ne.jp", "mei@example.jp", "4.2.2",
            "452 4.2.2 <mei@example.jp>: Mailbox full",
            "受信者のメールボックスの容量がいっぱいです。\n",
            [("mei@example.jp", "temporary", "mailbox-full", "SoftBank")])


def au(name, to, reason_line, expect):
    add(name, "From: Mail Administrator <Postmaster@ezweb.ne.jp>\nTo: bounce-1234@example-mailer.jp\n"
        "Subject: Mail System Error - Returned Mail\nDate: %s\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"ezweb_boundary_4711\"\n\n"
        "--ezweb_boundary_4711\nContent-Type: text/plain\n\n"
        "This is a MIME-encapsulated message\n\n"
        "--ezweb_boundary_4711\nContent-Type: text/plain\n\n"
        "The original message was received at %s\nfrom %s [192.0.2.155]\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<%s>\n    (reason: %s)\n\n"
        "--ezweb_boundary_4711\nContent-Type: message/rfc822\n\nFrom: %s\nTo: %s\n\nhi\n"
        "--ezweb_boundary_4711--\n" % (DATE, DATE, OUR_MTA, to, reason_line, SENDER, to), expect)


au("au-user-unknown.eml", "kaito@example.jp", "550 <kaito@example.jp>... User unknown",
   [("kaito@example.jp", "permanent", "user-unknown", "-")])
au("au-domain-filter.eml", "aoi.m@example.jp",
   "550 <aoi.m@example.jp>... Message rejected: domain-specific reception",
   [("aoi.m@example.jp", "permanent", "policy", "-")])
add("au-mailbox-full-old.txt",
    "Your mail sent on: Mon, 7 Dec 2026 10:15:42 +0900\n"
    "Could not be delivered to: <souta@example.jp>\n"
    "As their mailbox is full.\n",
    [("souta@example.jp", "unknown", "mailbox-full", "-")])
add("au-account-disabled.txt",
    "Your mail sent on: Mon, 7 Dec 2026 10:15:42 +0900\n"
    "Could not be delivered to: <riku@example.jp>\n"
    "The user(s) account is disabled.\n",
    [("riku@example.jp", "unknown", "suspended", "-")])

# ---- pasted lines, DSN fields, CSV rows ---------------------------------------------
lines = [
    ("line-user-unknown.txt", "550 5.1.1 <taro@example.jp>: User unknown\n", [("taro@example.jp", "permanent", "user-unknown", "-")]),
    ("line-unauthenticated.txt", "550 5.7.26 This mail has been blocked because the sender is unauthenticated.\n", [(None, "permanent", "authentication", "-")]),
    ("line-ip-not-status.txt", "host mx.example.jp[192.0.2.155] said: 554 Service unavailable; Client host [198.51.100.5] blocked using bl.example.net\n", [(None, "permanent", "blocked", "-")]),
    ("line-ip-only.txt", "Connection refused by [192.0.2.155]:25\n", [(None, "temporary", "network-error", "-")]),
    ("line-reply-only.txt", "550 Requested action not taken: mailbox unavailable\n", [(None, "permanent", "user-unknown", "-")]),
    ("line-421.txt", "421 Service not available, closing transmission channel\n", [(None, "temporary", "rate-limited", "-")]),
    ("line-japanese.txt", "宛先のメールアドレスは存在しません。\n", [(None, "permanent", "user-unknown", "-")]),
    ("line-dmarc.txt", "550 5.7.1 Email rejected per DMARC policy for example-shop.jp\n", [(None, "permanent", "authentication", "-")]),
    ("line-quota-japanese.txt", "452 4.2.2 受信者のメールボックスの容量を超えています\n", [(None, "temporary", "mailbox-full", "-")]),
    ("line-gmail-rate.txt", "421-4.7.0 [192.0.2.155 15] Our system has detected that this message is suspicious due to the very low reputation of the sending IP address. - gsmtp\n", [(None, "temporary", "blocked", "Gmail")]),
    ("line-expired-fullwidth.txt", "４.４.７ message expired\n", [(None, "unknown", "expired", "-")]),
    ("line-status-in-date.txt", "Delivery to <kana@example.jp> failed on 2026-12-07 at 10:15:42: 550 5.1.1 mailbox not found\n", [("kana@example.jp", "permanent", "user-unknown", "-")]),
]
for name, text, expect in lines:
    add(name, text, expect)

add("dsn-pasted.txt",
    "Reporting-MTA: dns; mta3.example-mailer.jp\nArrival-Date: Mon,  7 Dec 2026 10:15:42 +0900 (JST)\n\n"
    "Final-Recipient: rfc822; nao@example.jp\nOriginal-Recipient: rfc822;nao@example.jp\n"
    "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.jp\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <nao@example.jp>: Recipient address rejected:\n"
    "    User unknown in local recipient table\n\n"
    "Final-Recipient: rfc822; ryo@example.jp\nAction: delivered\nStatus: 2.0.0\n"
    "Remote-MTA: dns; mx.example.jp\n",
    [("nao@example.jp", "permanent", "user-unknown", "-")])
add("dsn-pasted-two-failed.txt",
    "Reporting-MTA: dns; mta3.example-mailer.jp\n\n"
    "Final-Recipient: rfc822; one@example.com\nAction: failed\nStatus: 5.7.1\n"
    "Remote-MTA: dns; aspmx.l.google.com\n"
    "Diagnostic-Code: smtp; 550-5.7.1 [192.0.2.155] Gmail has detected that this message is likely unsolicited mail. - gsmtp\n\n"
    "Final-Recipient: rfc822; two@example.com\nAction: failed\nStatus: 4.7.0\n"
    "Remote-MTA: dns; aspmx.l.google.com\n"
    "Diagnostic-Code: smtp; 421-4.7.0 This message does not pass authentication checks (SPF and DKIM both do not pass). - gsmtp\n",
    [("one@example.com", "permanent", "spam-detected", "Gmail"),
     ("two@example.com", "temporary", "authentication", "Gmail")])
add("csv-row.csv",
    "\"aya@example.jp\",\"山田 彩\",\"永続的エラー\",\"550 5.1.1 <aya@example.jp>: User unknown\",\"2026-12-07 10:15:42\"\n",
    [("aya@example.jp", "permanent", "user-unknown", "-")])
add("csv-with-header.csv",
    "メールアドレス,名前,エラー種別,エラー内容,日時\n"
    "ren@example.jp,佐藤 蓮,一時的なエラー,\"452 4.2.2 Mailbox full\",2026-12-07 10:15:42\n"
    "mio@example.com,鈴木 澪,永続的エラー,\"550 5.7.1 Message rejected as spam\",2026-12-07 10:16:03\n"
    "kou@example.net,高橋 航,原因不明のエラー,,2026-12-07 10:16:10\n",
    [("ren@example.jp", "temporary", "mailbox-full", "-"),
     ("mio@example.com", "permanent", "spam-detected", "-"),
     ("kou@example.net", "unknown", "other", "-")])
add("csv-class-only.csv",
    "taku@example.jp,伊藤 拓,永続的エラー,User unknown,2026-12-07 10:15:42\n",
    [("taku@example.jp", "permanent", "user-unknown", "-")])

# ---- MIME oddities -------------------------------------------------------------------
add("mime-base64-body.eml",
    "From: MAILER-DAEMON@mx.example.net\nTo: bounce-1234@example-mailer.jp\n"
    "Subject: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: base64\n\n%s" % (
        enc_word("配信不能: 宛先不明"),
        base64.encodebytes("以下の宛先に配送できませんでした。\r\n\r\n<hina@example.jp>\r\n550 5.1.1 ユーザーが見つかりません (User unknown)\r\n".encode()).decode()),
    [("hina@example.jp", "permanent", "user-unknown", "-")])
add("mime-qp-iso2022jp.eml",
    ("From: =?ISO-2022-JP?B?GyRCJV4lJCVrJVUlIyVrJT8bKEI=?= <MAILER-DAEMON@mx.example.net>\n"
     "To: bounce-1234@example-mailer.jp\nSubject: Returned mail\nMIME-Version: 1.0\n"
     "Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n").encode()
    + "宛先 <sou@example.jp> に配送できませんでした。\r\n552 メールボックスの容量がいっぱいです (mailbox full)\r\n".encode("iso-2022-jp"),
    [("sou@example.jp", "permanent", "mailbox-full", "-")])
add("mime-no-charset-sjis.eml",
    b"From: postmaster@mx.example.net\r\nTo: bounce-1234@example-mailer.jp\r\nSubject: Undeliverable\r\n\r\n"
    + "宛先 <nozomi@example.jp> は存在しません。\r\n550 5.1.1 User unknown\r\n".encode("shift_jis"),
    [("nozomi@example.jp", "permanent", "user-unknown", "-")])
add("mime-nested-forward.eml",
    "From: Support <support@example-shop.jp>\nTo: owner@example-shop.jp\nSubject: Fwd: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\n"
    "Content-Type: text/plain; charset=UTF-8\n\n転送します。\n\n--outer\nContent-Type: message/rfc822\n\n"
    "From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered\n\nignored\n--outer\n"
    "Content-Type: text/plain; charset=UTF-8\n\n<miku@example.jp>: host mx.example.jp[192.0.2.25] said: 550 5.1.1 <miku@example.jp>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n--outer--\n",
    [("miku@example.jp", "permanent", "user-unknown", "-")])

# ---- not bounces ---------------------------------------------------------------------
add("not-autoreply.eml",
    "From: Sato Taro <taro@example.jp>\nTo: news@mail.example-shop.jp\nSubject: 自動応答: 12月のお知らせ\n"
    "Auto-Submitted: auto-replied\nX-Autoreply: yes\nContent-Type: text/plain; charset=UTF-8\n\n"
    "ただいま不在にしております。12月10日以降に順次返信いたします。\n"
    "お急ぎの方は 03-1234-5678 までお電話ください。\n", [])
add("not-autoreply-english.eml",
    "From: Ken <ken@example.com>\nTo: news@mail.example-shop.jp\nSubject: Automatic reply: December news\n"
    "Auto-Submitted: auto-replied\nContent-Type: text/plain\n\n"
    "I am out of the office until 14 December with limited access to email.\n"
    "550 colleagues can reach me at extension 421.\n", [])
add("not-newsletter.eml",
    "From: Example Shop <news@mail.example-shop.jp>\nTo: taro@example.jp\nSubject: 12月のお知らせ\n"
    "List-Unsubscribe: <https://example-shop.jp/unsubscribe>\nContent-Type: text/plain; charset=UTF-8\n\n"
    "いつもご利用ありがとうございます。\n\n"
    "今月のおすすめ\n550円 セール品を多数ご用意しました。\n"
    "500 points プレゼント中です。バージョン 5.1.1 のアプリで受け取れます。\n\n"
    "配信停止はこちら: https://example-shop.jp/unsubscribe\n", [])
add("not-plain-mail.txt",
    "田中様\n\nお世話になっております。先日の件、192.0.2.155 のサーバで確認しました。\n"
    "会議は 4.5.6 号室で 14:00 からです。\n\nよろしくお願いいたします。\n", [])
add("not-read-receipt.eml",
    "From: taro@example.jp\nTo: news@mail.example-shop.jp\nSubject: 開封確認: 12月のお知らせ\nMIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"mdn\"\n\n"
    "--mdn\nContent-Type: text/plain; charset=UTF-8\n\nメッセージは表示されました。\n\n--mdn\n"
    "Content-Type: message/disposition-notification\n\nFinal-Recipient: rfc822; taro@example.jp\n"
    "Disposition: manual-action/MDN-sent-manually; displayed\n\n--mdn--\n", [])
add("not-delivered-dsn.eml",
    "From: MAILER-DAEMON@mta3.example-mailer.jp\nTo: bounce-1234@example-mailer.jp\n"
    "Subject: Successful Mail Delivery Report\nMIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"ok\"\n\n"
    "--ok\nContent-Type: text/plain\n\nYour message was successfully delivered to the destination(s)\nlisted below.\n\n"
    "<ok@example.jp>: delivery via mx.example.jp[192.0.2.25]:25: 250 2.0.0 Ok: queued as 4QxY3\n\n"
    "--ok\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mta3.example-mailer.jp\n\n"
    "Final-Recipient: rfc822; ok@example.jp\nAction: delivered\nStatus: 2.0.0\n"
    "Remote-MTA: dns; mx.example.jp\nDiagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4QxY3\n\n--ok--\n", [])

# ---- write -----------------------------------------------------------------------------
for old in os.listdir(here):
    if old.endswith((".eml", ".txt", ".csv")) and old != "README.txt":
        os.remove(os.path.join(here, old))
rows = []
for name, data, expect in samples:
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
    if not expect:
        rows.append("%s\t-\t-\t-\t-" % name)
    for recipient, class_, reason, receiver in expect:
        rows.append("%s\t%s\t%s\t%s\t%s" % (name, recipient or "-", class_, reason, receiver))
with open(os.path.join(here, "expected.tsv"), "w") as f:
    f.write("# sample\trecipient\tclass\treason\treceiver (- none); a sample with no row but - is no bounce\n")
    f.write("\n".join(rows) + "\n")
print("%d samples" % len(samples))
