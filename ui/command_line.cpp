#include "command_line.h"

#include "core/scenario/scenario_loader.h"

#include <QCommandLineParser>
#include <QRegularExpression>

namespace warroom {

GuiOptions parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Warroom: incident war room and topology visualizer."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window to a PNG once the file is loaded, then exit."),
        QStringLiteral("OUT.png"));
    const QCommandLineOption state(
        QStringLiteral("state"),
        QStringLiteral("For a recording: write what the window shows as JSON once loaded (cursor, "
                       "service state, charts, log, map geometry), then exit."),
        QStringLiteral("OUT.json"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Window size, e.g. 1440x900."),
                                  QStringLiteral("WxH"));
    const QCommandLineOption at(
        QStringLiteral("at"),
        QStringLiteral("For a recording: the moment to show (2020-05-25T08:50Z, a time of day "
                       "such as 16:10, or an offset from the start such as 3w1d8h50m); by "
                       "default the first moment of trouble."),
        QStringLiteral("TIME"));
    const QCommandLineOption select(QStringLiteral("select"),
                                    QStringLiteral("For a recording: the node to select."),
                                    QStringLiteral("NODE"));
    const QCommandLineOption mapLevel(
        QStringLiteral("map"),
        QStringLiteral("For a recording: the map's level of detail, roles (default) or nodes."),
        QStringLiteral("LEVEL"));
    const QCommandLineOption expand(
        QStringLiteral("expand"),
        QStringLiteral("For a recording: a role chip to show as its nodes (SITE/ROLE); repeat "
                       "for more."),
        QStringLiteral("CHIP"));
    const QCommandLineOption prometheus(
        QStringLiteral("prometheus"),
        QStringLiteral("Watch the Prometheus (and Alertmanager) a mapping file names, live "
                       "(docs/prometheus.md)."),
        QStringLiteral("MAPPING"));
    const QCommandLineOption wait(
        QStringLiteral("wait"),
        QStringLiteral("With --screenshot: let a live recording run this many seconds first."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption drill(
        QStringLiteral("drill"),
        QStringLiteral("Run a training drill: the simulator plays this scenario live, with the "
                       "instructor's panel (docs/drills.md)."),
        QStringLiteral("SCENARIO"));
    const QCommandLineOption speed(QStringLiteral("speed"),
                                   QStringLiteral("With --drill: simulated time per real time "
                                                  "(default 1)."),
                                   QStringLiteral("N"));
    const QCommandLineOption from(
        QStringLiteral("from"),
        QStringLiteral("With --drill: where in the scenario it starts, as an offset (3w1d8h)."),
        QStringLiteral("OFFSET"));
    const QCommandLineOption instructor(QStringLiteral("instructor"),
                                        QStringLiteral("With --drill: who injects (default: the "
                                                       "user's name)."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption showRootCause(
        QStringLiteral("show-root-cause"),
        QStringLiteral("With --drill: do not hide rule names from the trainees."));
    const QCommandLineOption trainee(
        QStringLiteral("trainee"),
        QStringLiteral("Open a drill's recording as a trainee: rule names stay hidden until the "
                       "instructor reveals them."));
    const QCommandLineOption as(QStringLiteral("as"),
                                QStringLiteral("Who writes the post-mortem's edits (default: the "
                                               "user's name)."),
                                QStringLiteral("NAME"));
    parser.addOption(as);
    for (const auto &o : {drill, speed, from, instructor, showRootCause, trainee})
        parser.addOption(o);
    parser.addOption(prometheus);
    parser.addOption(wait);
    parser.addOption(help);
    parser.addOption(at);
    const QCommandLineOption postMortem(
        QStringLiteral("postmortem"),
        QStringLiteral("For a recording: show the post-mortem next to the map."));
    parser.addOption(select);
    parser.addOption(mapLevel);
    parser.addOption(expand);
    parser.addOption(postMortem);
    const QCommandLineOption postMortemView(
        QStringLiteral("postmortem-view"),
        QStringLiteral("For a recording: the post-mortem in a tab beside the charts, beside the "
                       "map at full height, or the whole window (for this window only)."),
        QStringLiteral("tab|side|window"));
    parser.addOption(postMortemView);
    const QCommandLineOption compare(
        QStringLiteral("compare"),
        QStringLiteral("For a recording: another run of the incident (a recording, or a variant "
                       "scenario to simulate) beside the map on one clock, with the hops whose "
                       "verdict differs."),
        QStringLiteral("FILE"));
    parser.addOption(compare);
    parser.addOption(screenshot);
    parser.addOption(state);
    parser.addOption(size);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("A scenario, a recording (.warroom), or a shared "
                                                "incident's address, postgresql://HOST:PORT/"
                                                "DATABASE?incident=NAME (docs/shared.md), to "
                                                "open."),
                                 QStringLiteral("[FILE]"));

    GuiOptions options;
    options.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        options.error = parser.errorText();
        return options;
    }
    options.help = parser.isSet(help);
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1) {
        options.error = QStringLiteral("expected at most one FILE");
        return options;
    }
    options.file = files.value(0);
    options.screenshot = parser.value(screenshot);
    options.state = parser.value(state);
    options.at = parser.value(at);
    options.select = parser.value(select);
    options.mapLevel = parser.value(mapLevel);
    options.expand = parser.values(expand);
    if (!options.mapLevel.isEmpty() && options.mapLevel != u"roles" &&
        options.mapLevel != u"nodes") {
        options.error = u"--map takes roles or nodes, not " + options.mapLevel;
        return options;
    }
    options.postMortem = parser.isSet(postMortem) || parser.isSet(postMortemView);
    options.postMortemView = parser.value(postMortemView);
    options.compare = parser.value(compare);
    if (!options.postMortemView.isEmpty() && options.postMortemView != u"tab" &&
        options.postMortemView != u"side" && options.postMortemView != u"window") {
        options.error =
            u"--postmortem-view takes tab, side or window, not " + options.postMortemView;
        return options;
    }
    options.prometheus = parser.value(prometheus);
    options.drill = parser.value(drill);
    options.trainee = parser.isSet(trainee);
    options.author = parser.value(as);
    if (int(!options.file.isEmpty()) + int(!options.prometheus.isEmpty()) +
            int(!options.drill.isEmpty()) >
        1) {
        options.error = QStringLiteral("give one of FILE, --prometheus MAPPING, --drill SCENARIO");
        return options;
    }
    if (options.trainee && options.file.isEmpty()) {
        options.error = QStringLiteral("--trainee needs the drill's recording FILE");
        return options;
    }
    if (parser.isSet(speed)) {
        bool ok = false;
        options.drillOptions.speed = parser.value(speed).toDouble(&ok);
        if (!ok || !(options.drillOptions.speed > 0) || options.drillOptions.speed > 100000) {
            options.error =
                u"--speed must be a number above 0, not '" + parser.value(speed) + u'\'';
            return options;
        }
    }
    if (parser.isSet(from)) {
        const qint64 ms = parseDurationMs(parser.value(from));
        if (ms < 0) {
            options.error =
                u"--from must be an offset such as 3w1d8h, not '" + parser.value(from) + u'\'';
            return options;
        }
        options.drillOptions.fromMs = ms;
    }
    options.drillOptions.instructor =
        parser.isSet(instructor) ? parser.value(instructor)
                                 : qEnvironmentVariable("USER", QStringLiteral("instructor"));
    options.drillOptions.hideRootCause = !parser.isSet(showRootCause);
    if (parser.isSet(wait)) {
        bool ok = false;
        options.waitSeconds = parser.value(wait).toDouble(&ok);
        if (!ok || options.waitSeconds < 0 || options.waitSeconds > 3600) {
            options.error =
                u"--wait must be a number of seconds, not '" + parser.value(wait) + u'\'';
            return options;
        }
    }
    if ((!options.screenshot.isEmpty() || !options.state.isEmpty()) && options.file.isEmpty() &&
        options.prometheus.isEmpty() && options.drill.isEmpty()) {
        options.error = QStringLiteral("--screenshot and --state need a FILE to show");
        return options;
    }
    if (parser.isSet(size)) {
        static const QRegularExpression pattern(QStringLiteral("^(\\d{2,5})x(\\d{2,5})$"));
        const QRegularExpressionMatch match = pattern.match(parser.value(size));
        if (!match.hasMatch()) {
            options.error = u"--size must look like 1440x900, not '" + parser.value(size) + u'\'';
            return options;
        }
        options.size = QSize(match.captured(1).toInt(), match.captured(2).toInt());
    }
    return options;
}

} // namespace warroom
