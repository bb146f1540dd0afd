#include "core/cli/cli.h"
#include "core/postmortem/postmortem_store.h"
#include "core/summary/run_comparison.h"
#include "support/test_support.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the real warroom-cli binary, as a user would.
Run cli(const QStringList &args)
{
    QProcess process;
    process.start(QStringLiteral(WARROOM_CLI_PATH), args);
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString lemniscus()
{
    return test::scenarioPath(QStringLiteral("lemniscus-2020"));
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void analyzeLemniscusNamesTheRule()
    {
        const Run run = cli({QStringLiteral("analyze"), lemniscus()});
        QCOMPARE(run.exitCode, int(ExitFindings));
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        const int line =
            s.topology.rules[s.topology.ruleIndex(QStringLiteral("dc3-egress"))].place.line;
        QVERIFY2(
            run.out.contains(u"dc3/app-pool@dc3 needs app->cache:6379: blocked by rule dc3-egress "
                             u"(lemniscus-2020.yaml:" +
                             QString::number(line) + u')'),
            qPrintable(run.out));
    }

    void analyzeJson()
    {
        const Run run = cli({QStringLiteral("analyze"), QStringLiteral("--json"), lemniscus()});
        QCOMPARE(run.exitCode, int(ExitFindings));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc[u"scenario"].toString(), QStringLiteral("lemniscus-2020"));
        QCOMPARE(doc[u"latent"][0][u"site"].toString(), QStringLiteral("dc3"));
        QCOMPARE(doc[u"latent"][0][u"outgoing"][0][u"reason"][u"subject"].toString(),
                 QStringLiteral("dc3-egress"));
    }

    void whatIfFixesIt()
    {
        const Run run =
            cli({QStringLiteral("analyze"), QStringLiteral("--json"), QStringLiteral("--what-if"),
                 QStringLiteral("rule-remove:dc3-egress"), lemniscus()});
        const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8());
        QCOMPARE(doc[u"latent"].toArray().size(), 0);
        QCOMPARE(doc[u"what_ifs"][0].toString(), QStringLiteral("rule-remove:dc3-egress"));
    }

    void validateIsClean()
    {
        const Run run = cli({QStringLiteral("validate"), lemniscus()});
        QCOMPARE(run.exitCode, int(ExitClean));
        QVERIFY(run.out.contains(QStringLiteral("valid scenario 'lemniscus-2020'")));
    }

    void cleanScenarioExitsZero()
    {
        const QString path =
            write(QStringLiteral("clean.yaml"),
                  "name: clean\nsites:\n  - {id: a, kind: datacenter}\n"
                  "nodes:\n  - {id: w1, role: web, site: a}\n"
                  "  - {id: w2, role: web, site: a}\n"
                  "  - {id: d1, role: db, site: a}\n  - {id: d2, role: db, site: a}\n"
                  "dependencies:\n  - {from: web, to: db, port: 5432}\n");
        const Run run = cli({QStringLiteral("analyze"), path});
        QCOMPARE(run.exitCode, int(ExitClean));
        QVERIFY(run.out.contains(QStringLiteral("0 findings.")));
    }

    void malformedScenarioGetsLocatedErrors()
    {
        const QString path = write(QStringLiteral("bad.yaml"),
                                   "name: bad\nsites:\n  - id: dc1\n    kind: datacenter\n"
                                   "nodes:\n  - id: n1\n    role: web\n    site: dc2\n"
                                   "    colour: red\n");
        for (const QString &command : {QStringLiteral("validate"), QStringLiteral("analyze")}) {
            const Run run = cli({command, path});
            QCOMPARE(run.exitCode, int(ExitInvalid));
            QCOMPARE(run.err, path +
                                  u":8:11: unknown site 'dc2' in node 'n1'; did you mean 'dc1'?\n" +
                                  path +
                                  u":9:5: unknown key 'colour' in a node (expected one of: "
                                  u"id, role, roles, site, start, capacity, tags, group, "
                                  u"state, max_concurrency)\n2 errors\n");
        }
        const Run json = cli({QStringLiteral("validate"), QStringLiteral("--json"), path});
        QCOMPARE(json.exitCode, int(ExitInvalid));
        const QJsonDocument doc = QJsonDocument::fromJson(json.out.toUtf8());
        QCOMPARE(doc[u"valid"].toBool(), false);
        QCOMPARE(doc[u"errors"][1][u"line"].toInt(), 9);
        QCOMPARE(doc[u"errors"][1][u"column"].toInt(), 5);
    }

    // What only some runs have gets a row when either has it: writes lost at a promotion,
    // alerts that waited for the pager.
    void compareShowsPromotionsAndLateAlerts()
    {
        const QString scenario = write(
            QStringLiteral("lost.yaml"),
            "name: lost\nstart: 2024-01-01T00:00:00Z\nduration: 20m\nsites:\n"
            "  - {id: a, kind: datacenter}\n  - {id: b, kind: datacenter}\n"
            "  - {id: ops, kind: datacenter}\n"
            "links:\n  - {id: a-b, between: [a, b]}\n  - {id: a-ops, between: [a, ops]}\n"
            "nodes:\n  - {id: users, role: user, site: a, capacity: 100000}\n"
            "  - {id: app, role: app, site: a, capacity: 100000}\n"
            "  - {id: db-1, role: db, site: a, capacity: 100000}\n"
            "  - {id: db-2, role: db, site: b, capacity: 100000}\n"
            "  - {id: mon, role: monitoring, site: a}\n  - {id: pager, role: pager, site: ops}\n"
            "dependencies:\n  - {from: user, to: app, port: 443}\n"
            "  - {from: app, to: db, port: 5432}\n"
            "simulation: {tick: 1s, seed: 3}\nload: {source: user, rate: 100}\n"
            "replication:\n  - {id: orders, role: db, primary: db-1, replicas: [db-2], "
            "port: 5432, writes: 20%}\n"
            "monitoring: {node: mon, notify: pager, notify_port: 443}\n"
            "schedule:\n  - {id: pager-cut, at: 2m, change: link_down, target: a-ops, for: 10m}\n"
            "  - {at: 4m, change: link_down, target: a-b}\n"
            "  - {at: 5m, change: node_crash, target: db-1}\n"
            "  - {at: 5m30s, change: promote, target: db-2}\n");
        const QString a = m_dir.filePath(QStringLiteral("lost-a.warroom"));
        const QString b = m_dir.filePath(QStringLiteral("lost-b.warroom"));
        QCOMPARE(cli({QStringLiteral("simulate"), scenario, QStringLiteral("-o"), a}).exitCode,
                 int(ExitClean));
        QCOMPARE(cli({QStringLiteral("simulate"), scenario, QStringLiteral("-o"), b,
                      QStringLiteral("--what-if"), QStringLiteral("without:pager-cut")})
                     .exitCode,
                 int(ExitClean));
        const Run text = cli({QStringLiteral("compare"), a, b});
        QCOMPARE(text.exitCode, int(ExitClean));
        QVERIFY2(text.out.contains(QRegularExpression(
                     QStringLiteral("writes lost at promotions +([0-9,]+) +\\1 +same\n"))),
                 qPrintable(text.out));
        QVERIFY2(text.out.contains(QRegularExpression(
                     QStringLiteral("alerts delivered late +[1-9][0-9]* +0 +−"))),
                 qPrintable(text.out));
        QVERIFY2(text.out.contains(u"alerts fired"), qPrintable(text.out));
        QVERIFY2(!text.out.contains(u"launches failed"), qPrintable(text.out)); // neither had any
    }

    // A variant whose what-if a scheduled change of its base would undo: validate says so, at
    // its `what_if:`, as simulate would refuse it.
    void validateChecksAVariantsWhatIfs()
    {
        write(QStringLiteral("base.yaml"),
              "name: base\nstart: 2024-01-01T00:00:00Z\nduration: 10m\nsites:\n"
              "  - {id: a, kind: datacenter}\n  - {id: b, kind: datacenter}\n"
              "links:\n  - {id: a-b, between: [a, b], capacity: 900}\n"
              "nodes:\n  - {id: u, role: user, site: a}\n  - {id: s, role: svc, site: b}\n"
              "dependencies:\n  - {from: user, to: svc, port: 443}\n"
              "load: {source: user, rate: 100}\n"
              "schedule:\n  - {id: blip, at: 5m, change: loss, target: a-b, loss: 20%}\n");
        const QString variant = write(QStringLiteral("variant.yaml"),
                                      "extends: base.yaml\nname: v\nwhat_if: [loss:a-b=1%]\n");
        const Run run = cli({QStringLiteral("validate"), variant});
        QCOMPARE(run.exitCode, int(ExitInvalid));
        QVERIFY2(
            run.err.startsWith(variant + u":3:10: what-if loss:a-b=1%: the scheduled change at "),
            qPrintable(run.err));
        const QString fine = write(QStringLiteral("fine.yaml"),
                                   "extends: base.yaml\nname: f\nwhat_if: [without:blip]\n");
        QCOMPARE(cli({QStringLiteral("validate"), fine}).exitCode, int(ExitClean));
    }

    void foreignFileIsAnError()
    {
        const QString path = write(QStringLiteral("foreign.bin"), "\x01\x02\x03 not yaml: [\n");
        const Run run = cli({QStringLiteral("validate"), path});
        QCOMPARE(run.exitCode, int(ExitInvalid));
        QVERIFY(run.err.startsWith(path + u':'));
    }

    // The "done means": simulate, then summary shows the DC3 outages and their cause.
    void simulateThenSummary()
    {
        const QString out = m_dir.filePath(QStringLiteral("l.warroom"));
        const Run sim = cli({QStringLiteral("simulate"), lemniscus(), QStringLiteral("-o"), out});
        QCOMPARE(sim.exitCode, int(ExitClean));
        QVERIFY2(sim.out.startsWith(u"wrote " + out + u": 28d of 'lemniscus-2020'"),
                 qPrintable(sim.out));
        QVERIFY(QFile::exists(out));
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*.partial*")}), QStringList());
        QVERIFY(sim.err.isEmpty()); // no progress bar when stderr is not a terminal

        const Run summary = cli({QStringLiteral("summary"), out});
        QCOMPARE(summary.exitCode, int(ExitClean));
        QVERIFY(summary.out.contains(u"Outages (more than 5 % of requests failing): "));
        QVERIFY(summary.out.contains(u"-> dc1/cache-1:6379: blocked by rule dc3-egress ("));
        QVERIFY(summary.out.contains(u"surfaced at: "));
        QVERIFY(summary.out.contains(u"app-pool       dc3 "));

        const Run json = cli({QStringLiteral("summary"), out, QStringLiteral("--json")});
        const QJsonObject doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(doc[u"format"].toString(), QStringLiteral("warroom-summary"));
        const int outages = int(doc[u"outages"].toArray().size());
        QVERIFY(outages >= 3);
        QVERIFY(summary.out.contains(u"requests failing): " + QString::number(outages) + u", "));
        QCOMPARE(doc[u"outages"][0][u"rules"][0].toString(), QStringLiteral("dc3-egress"));
        QCOMPARE(doc[u"seed"].toString(), QStringLiteral("2020"));

        // The same seed twice: the same events, byte for byte.
        const QString again = lemniscusCopy(QStringLiteral("again.warroom"));
        QVERIFY(!again.isEmpty());
        const Run json2 = cli({QStringLiteral("summary"), again, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(json2.out.toUtf8())[u"events_hash"].toString(),
                 doc[u"events_hash"].toString());
    }

    // `compare` puts a variant beside the incident: the standby stack shortens PagerDuty's outage
    // and its late deliveries; the fixed rule takes Lemniscus's outages away.
    void compareTellsWhatAVariantChanged()
    {
        QStringList files;
        for (const char *name : {"pagerduty-2011", "pagerduty-2011-standby"}) {
            const QString file = m_dir.filePath(QString::fromLatin1(name) + u".warroom");
            QCOMPARE(cli({QStringLiteral("simulate"), test::scenarioPath(QString::fromLatin1(name)),
                          QStringLiteral("-o"), file})
                         .exitCode,
                     int(ExitClean));
            files.append(file);
        }
        const Run text = cli({QStringLiteral("compare"), files[0], files[1]});
        QCOMPARE(text.exitCode, int(ExitClean));
        QVERIFY2(
            text.out.contains(QRegularExpression(QStringLiteral("outage +35m49s +10m +−25m49s\n"))),
            qPrintable(text.out));
        QVERIFY2(text.out.contains(QRegularExpression(QStringLiteral(
                     "notifications: late deliveries, target 3m +1,587,811 +241,028 +"
                     "−1,346,783 \\(−85 %\\)\n"))),
                 qPrintable(text.out));
        const Run json =
            cli({QStringLiteral("compare"), files[0], files[1], QStringLiteral("--json")});
        const QJsonObject doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(doc[u"a"][u"scenario"].toString(), QStringLiteral("pagerduty-2011"));
        bool backlog = false;
        for (const QJsonValue &row : doc[u"rows"].toArray()) {
            if (row[u"what"].toString() == u"notifications: backlog peak") {
                backlog = true;
                QVERIFY(row[u"b_value"].toDouble() < row[u"a_value"].toDouble() / 5);
            }
        }
        QVERIFY(backlog);
        // Under an action item, the telling differences in one line.
        QCOMPARE(effectText(comparisonRowsFrom(doc[u"rows"].toArray())),
                 QStringLiteral("outage 35m49s → 10m; failed requests 4.87 M → 1.14 M; "
                                "notifications late 1.59 M → 0.24 M; degraded 1m58s → 0s"));

        const QString fixed = m_dir.filePath(QStringLiteral("fixed.warroom"));
        QCOMPARE(cli({QStringLiteral("simulate"),
                      test::scenarioPath(QStringLiteral("lemniscus-2020-rule-fixed")),
                      QStringLiteral("-o"), fixed})
                     .exitCode,
                 int(ExitClean));
        const QString incident = lemniscusCopy(QStringLiteral("incident.warroom"));
        QVERIFY(!incident.isEmpty());
        const Run lemniscus = cli({QStringLiteral("compare"), incident, fixed});
        QVERIFY2(lemniscus.out.contains(QRegularExpression(QStringLiteral(
                     "first outage began \\(after the start\\) +21d8h +never +B never "
                     "did\n"))),
                 qPrintable(lemniscus.out));
        QVERIFY(lemniscus.out.contains(u"(what if rule-remove:dc3-egress)"));
        // Two files, exactly.
        const Run one = cli({QStringLiteral("compare"), incident});
        QCOMPARE(one.exitCode, int(ExitInvalid));
        QVERIFY(one.err.startsWith(u"warroom-cli: expected exactly 2 files"));
    }

    // With no post-mortem written, `report` exports the proposed draft, in every format.
    void reportExportsTheDraft()
    {
        const QString rec = lemniscusCopy(QStringLiteral("r.warroom"));
        QVERIFY(!rec.isEmpty());
        const QString json = m_dir.filePath(QStringLiteral("draft.json"));
        const Run r = cli({QStringLiteral("report"), rec, QStringLiteral("-o"), json});
        QCOMPARE(r.exitCode, int(ExitClean));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(doc[u"format"].toString(), QStringLiteral("warroom-postmortem"));
        QVERIFY(doc[u"timeline"].toArray().size() > 10);
        QCOMPARE(doc[u"timeline"][0][u"status"].toString(), QStringLiteral("proposed"));
        for (const QString &format :
             {QStringLiteral("md"), QStringLiteral("html"), QStringLiteral("pdf")}) {
            const QString out = m_dir.filePath(u"draft.out." + format);
            QCOMPARE(cli({QStringLiteral("report"), rec, QStringLiteral("--format"), format,
                          QStringLiteral("-o"), out})
                         .exitCode,
                     int(ExitClean));
            QVERIFY(QFileInfo(out).size() > 1000);
        }
        const Run missing = cli({QStringLiteral("report"), rec, QStringLiteral("--postmortem"),
                                 QStringLiteral("pm-9"), QStringLiteral("-o"), json});
        QCOMPARE(missing.exitCode, int(ExitInvalid));
        QCOMPARE(missing.err, QString(rec + u": no post-mortem 'pm-9' (it holds none)\n"));
        const Run format = cli({QStringLiteral("report"), rec, QStringLiteral("-o"),
                                m_dir.filePath(QStringLiteral("x.docx"))});
        QCOMPARE(format.exitCode, int(ExitInvalid));
        QVERIFY(format.err.contains(u"unknown format 'docx'"));
    }

    // A post-mortem drafted while the incident was young stored the impact of then: the report
    // takes the impact the recording has now (computed, never typed).
    void reportTakesTheRecordingsImpact()
    {
        const QString rec = lemniscusCopy(QStringLiteral("young.warroom"));
        QVERIFY(!rec.isEmpty());
        PostMortem early;
        early.id = QStringLiteral("pm-1");
        early.title = QStringLiteral("drafted at the first alert");
        QVERIFY(savePostMortem(rec, early));
        const QString json = m_dir.filePath(QStringLiteral("young.json"));
        QCOMPARE(cli({QStringLiteral("report"), rec, QStringLiteral("-o"), json}).exitCode,
                 int(ExitClean));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(doc[u"title"].toString(), early.title);
        QVERIFY(doc[u"impact"][u"outages"].toInt() > 0);
        QVERIFY(doc[u"impact"][u"outage_ms"].toDouble() > 0);
    }

    void eventsAreFiltered()
    {
        const QString out = m_dir.filePath(QStringLiteral("w.warroom"));
        QCOMPARE(cli({QStringLiteral("simulate"), lemniscus(), QStringLiteral("-o"), out,
                      QStringLiteral("--from"), QStringLiteral("3w1d"), QStringLiteral("--to"),
                      QStringLiteral("2020-05-27T00:00:00Z")})
                     .exitCode,
                 int(ExitClean));
        const Run scaling = cli({QStringLiteral("events"), out, QStringLiteral("--kind"),
                                 QStringLiteral("autoscaler.*"), QStringLiteral("--json")});
        QCOMPARE(scaling.exitCode, int(ExitClean));
        const QJsonArray events = QJsonDocument::fromJson(scaling.out.toUtf8()).array();
        QVERIFY(!events.isEmpty());
        for (const QJsonValue &e : events) {
            QVERIFY(e[u"kind"].toString().startsWith(u"autoscaler."));
            QVERIFY(e[u"time"].toString() >= u"2020-05-26T00:00:00Z");
            QVERIFY(e[u"time"].toString() < u"2020-05-27T00:00:00Z");
        }
        const Run verdicts =
            cli({QStringLiteral("events"), out, QStringLiteral("--kind"),
                 QStringLiteral("verdict.changed"), QStringLiteral("--from"), QStringLiteral("+1h"),
                 QStringLiteral("--limit"), QStringLiteral("1")});
        QCOMPARE(verdicts.out.count(u'\n'), 1);
        QVERIFY2(verdicts.out.contains(u"blocked by rule dc3-egress"), qPrintable(verdicts.out));
    }

    void recordingErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("corrupt_recording")
            << QStringList{QStringLiteral("summary"), QStringLiteral("CORRUPT")}
            << QStringLiteral("not a Warroom recording");
        QTest::newRow("scenario_as_recording") << QStringList{QStringLiteral("events"), lemniscus()}
                                               << QStringLiteral("not a Warroom recording");
        QTest::newRow("missing_recording")
            << QStringList{QStringLiteral("summary"), QStringLiteral("/nonexistent.warroom")}
            << QStringLiteral("/nonexistent.warroom: no such file");
        QTest::newRow("recording_as_scenario")
            << QStringList{QStringLiteral("validate"), QStringLiteral("RECORDING")}
            << QStringLiteral("this is a recording (or another SQLite file), not a scenario");
        QTest::newRow("simulate_without_output")
            << QStringList{QStringLiteral("simulate"), lemniscus()} << QStringLiteral("needs -o");
        QTest::newRow("bad_from") << QStringList{QStringLiteral("simulate"),
                                                 lemniscus(),
                                                 QStringLiteral("-o"),
                                                 QStringLiteral("x.warroom"),
                                                 QStringLiteral("--from"),
                                                 QStringLiteral("soon")}
                                  << QStringLiteral("--from 'soon' is not a time");
        QTest::newRow("bad_kind") << QStringList{QStringLiteral("events"),
                                                 QStringLiteral("CORRUPT"),
                                                 QStringLiteral("--kind"),
                                                 QStringLiteral("nonsense")}
                                  << QStringLiteral("not a Warroom recording");
    }
    void recordingErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const QString corrupt = write(QStringLiteral("corrupt.warroom"), QByteArray(8192, '\x5a'));
        args.replaceInStrings(QStringLiteral("CORRUPT"), corrupt);
        args.replaceInStrings(
            QStringLiteral("RECORDING"),
            write(QStringLiteral("r.warroom"), QByteArray("SQLite format 3\0...", 20)));
        const Run run = cli(args);
        QCOMPARE(run.exitCode, int(ExitInvalid));
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    }

    void usage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no_command")
            << QStringList{} << int(ExitInvalid) << QStringLiteral("Usage:");
        QTest::newRow("help") << QStringList{QStringLiteral("--help")} << int(ExitClean)
                              << QStringLiteral("Commands:");
        QTest::newRow("unknown_command")
            << QStringList{QStringLiteral("frobnicate")} << int(ExitInvalid)
            << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("validate_help")
            << QStringList{QStringLiteral("validate"), QStringLiteral("--help")} << int(ExitClean)
            << QStringLiteral("file:line:column");
        QTest::newRow("simulate_help")
            << QStringList{QStringLiteral("simulate"), QStringLiteral("--help")} << int(ExitClean)
            << QStringLiteral("--seed");
        QTest::newRow("analyze_help")
            << QStringList{QStringLiteral("analyze"), QStringLiteral("-h")} << int(ExitClean)
            << QStringLiteral("--what-if");
        QTest::newRow("missing_file") << QStringList{QStringLiteral("analyze")} << int(ExitInvalid)
                                      << QStringLiteral("expected exactly one FILE");
        QTest::newRow("bad_option")
            << QStringList{QStringLiteral("analyze"), QStringLiteral("--jsno"), lemniscus()}
            << int(ExitInvalid) << QStringLiteral("Unknown option 'jsno'");
        QTest::newRow("bad_what_if")
            << QStringList{QStringLiteral("analyze"), QStringLiteral("--what-if"),
                           QStringLiteral("link-down:nowhere"), lemniscus()}
            << int(ExitInvalid) << QStringLiteral("there is no link 'nowhere'");
    }
    void usage()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        const Run run = cli(args);
        QCOMPARE(run.exitCode, exitCode);
        const QString all = run.out + run.err;
        QVERIFY2(all.contains(expected), qPrintable(all));
    }

    // A drill in a terminal: faults typed on stdin, answered; the summary lists them with who
    // injected them.
    void drillTakesFaultsOnStdin()
    {
        const QString path = m_dir.filePath(QStringLiteral("drill.warroom"));
        QProcess drill;
        drill.start(QStringLiteral(WARROOM_CLI_PATH),
                    {QStringLiteral("drill"), lemniscus(), QStringLiteral("-o"), path,
                     QStringLiteral("--from"), QStringLiteral("3w8h30m"), QStringLiteral("--speed"),
                     QStringLiteral("600"), QStringLiteral("--instructor"),
                     QStringLiteral("carol")});
        QVERIFY(drill.waitForStarted());
        QString said;
        auto answer = [&](const QByteArray &line, const QString &expected) {
            drill.write(line + '\n');
            QTRY_VERIFY_WITH_TIMEOUT(
                (said += QString::fromUtf8(drill.readAllStandardOutput()), said.contains(expected)),
                60000); // a wait, not a budget: the first answer comes once the drill is read
        };
        answer("crash nowhere", QStringLiteral("error: no node 'nowhere' in the scenario"));
        answer("cut-link dc1-dc2 10m", QStringLiteral("injected at the next tick"));
        answer("flood dc1", QStringLiteral("error: unknown command 'flood' (type help)"));
        answer("reveal", QStringLiteral("revealed"));
        // The injection is in the recording (the tick after it ran) before the drill quits.
        QTRY_VERIFY_WITH_TIMEOUT(cli({QStringLiteral("events"), path, QStringLiteral("--kind"),
                                      QStringLiteral("fault.started")})
                                     .out.contains(u"dc1-dc2"),
                                 10000);
        drill.write("quit\n");
        QVERIFY(drill.waitForFinished(10000));
        QCOMPARE(drill.exitCode(), 0);
        const Run summary = cli({QStringLiteral("summary"), path});
        QCOMPARE(summary.exitCode, 0);
        QVERIFY2(summary.out.contains(u"Drill (instructor carol, 600x): 1 faults injected"),
                 qPrintable(summary.out));
        QVERIFY2(summary.out.contains(u"link_down dc1-dc2 for 10m (by carol): not diagnosed"),
                 qPrintable(summary.out));
        // A drill starts a new recording: not over an old one.
        const Run again = cli({QStringLiteral("drill"), lemniscus(), QStringLiteral("-o"), path});
        QCOMPARE(again.exitCode, int(ExitInvalid));
        QVERIFY(again.err.contains(u"exists; a drill starts a new recording"));
    }

    // "localhost" is taken where an address is (loopback, not looked up); other names are not.
    // What the server refuses is said on stderr, with the client's address and line.
    void ingestListensOnLocalhostAndSaysWhatItRefuses()
    {
        QProcess ingest;
        ingest.start(QStringLiteral(WARROOM_CLI_PATH),
                     {QStringLiteral("ingest"), QStringLiteral("--listen"),
                      QStringLiteral("localhost:0"), QStringLiteral("-o"),
                      m_dir.filePath(QStringLiteral("localhost.warroom"))});
        QString said;
        QTRY_VERIFY_WITH_TIMEOUT((said += QString::fromUtf8(ingest.readAllStandardOutput()),
                                  said.contains(u", writing")),
                                 test::kLiveWaitMs);
        QVERIFY2(said.startsWith(u"listening on 127.0.0.1:"), qPrintable(said));
        const quint16 port = said.section(u':', 1, 1).section(u',', 0, 0).toUShort();
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(client.waitForConnected(test::kLiveWaitMs));
        client.write("oops\n");
        QString complaints;
        const QString expected = u"warroom-cli ingest: 127.0.0.1:" +
                                 QString::number(client.localPort()) + u" line 1: not JSON";
        QTRY_VERIFY_WITH_TIMEOUT((complaints += QString::fromUtf8(ingest.readAllStandardError()),
                                  complaints.contains(expected)),
                                 test::kLiveWaitMs);
        ingest.terminate();
        QVERIFY(ingest.waitForFinished(test::kLiveWaitMs));
        // Nothing was taken: its summary claims no outage and no time in any state, and is
        // headed by the file's name (no scenario names it).
        const Run summary =
            cli({QStringLiteral("summary"), m_dir.filePath(QStringLiteral("localhost.warroom"))});
        QCOMPARE(summary.exitCode, int(ExitClean));
        QVERIFY2(summary.out.startsWith(u"localhost.warroom\n"), qPrintable(summary.out));
        QVERIFY2(summary.out.contains(u"Outages: not known (no service states, probes, alerts or "
                                      u"request series in the recording)") &&
                     summary.out.contains(u"Time in each state: not known"),
                 qPrintable(summary.out));
        const Run named = cli({QStringLiteral("feed"), QStringLiteral("--to"),
                               QStringLiteral("example.org:7070"), QStringLiteral("x.warroom")});
        QCOMPARE(named.exitCode, int(ExitInvalid));
        QVERIFY2(named.err.contains(u"--to takes ADDR:PORT (an IP address or localhost, not a host "
                                    u"name; a port up to 65535), not 'example.org:7070'"),
                 qPrintable(named.err));
    }

    // A mistake in a Prometheus mapping is reported at its place, before anything listens.
    void ingestReportsAMappingMistake()
    {
        const QString mapping =
            write(QStringLiteral("mapping.yaml"),
                  "prometheus: http://127.0.0.1:9090\nscenario: " WARROOM_SCENARIO_DIR
                  "/lemniscus-2020.yaml\nlinks:\n  probe: probe_success\n  upp: up\n");
        const Run run = cli({QStringLiteral("ingest"), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("-o"),
                             m_dir.filePath(QStringLiteral("p.warroom")),
                             QStringLiteral("--prometheus"), mapping});
        QCOMPARE(run.exitCode, int(ExitInvalid));
        QVERIFY2(
            run.err.contains(mapping + u":5:3: unknown key 'upp' in 'links'; did you mean 'up'?"),
            qPrintable(run.err));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("p.warroom"))));
    }

private:
    QString write(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(text);
        return path;
    }

    // A copy, named `name`, of Lemniscus simulated by the CLI once for the suite (28 days take
    // a while, under the sanitizers most of all): for the tests that read or add to it.
    QString lemniscusCopy(const QString &name)
    {
        if (m_lemniscus.isEmpty()) {
            const QString once = m_dir.filePath(QStringLiteral("lemniscus-once.warroom"));
            if (cli({QStringLiteral("simulate"), lemniscus(), QStringLiteral("-o"), once})
                    .exitCode != ExitClean)
                return {};
            m_lemniscus = once;
        }
        const QString copy = m_dir.filePath(name);
        return QFile::copy(m_lemniscus, copy) ? copy : QString();
    }

    QTemporaryDir m_dir;
    QString m_lemniscus;
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
