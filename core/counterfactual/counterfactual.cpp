#include "counterfactual.h"

#include "core/postmortem/postmortem.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/util/files.h"

#include <QDir>
#include <QFileInfo>

namespace warroom {

namespace {

Error problem(const QString &message)
{
    return Error{message, QString(), 0, 0};
}

// The first of `candidates` that is a file, or empty.
QString firstFile(const QStringList &candidates)
{
    for (const QString &path : candidates) {
        if (!path.isEmpty() && QFileInfo(path).isFile())
            return QFileInfo(path).absoluteFilePath();
    }
    return {};
}

// The scenario the recording was simulated from: its file where it still is, else its text.
Result<Scenario> recordedScenario(const Recording &recording, QString *folder)
{
    const QString file = recording.meta(QStringLiteral("scenario_file"));
    const QString text = recording.meta(QStringLiteral("scenario_text"));
    if (file.isEmpty() && text.isEmpty())
        return problem(recording.path() +
                       u": not simulated from a scenario (a live recording): there is nothing "
                       u"to replay with a change");
    const QString recordingFolder = QFileInfo(recording.path()).absolutePath();
    const QString found = firstFile({file, QDir(recordingFolder).filePath(file),
                                     QDir(recordingFolder).filePath(QFileInfo(file).fileName())});
    *folder = found.isEmpty() ? recordingFolder : QFileInfo(found).absolutePath();
    // The file only if it is still what was simulated; else the text the recording keeps (a
    // file edited since would replay another incident without a word).
    if (!found.isEmpty() && (text.isEmpty() || fileText(found) == text)) {
        Result<Scenario> loaded = loadScenarioFile(found);
        // A variant: its base must still be what was simulated too.
        const QString baseText = recording.meta(QStringLiteral("base_scenario_text"));
        if (loaded && !loaded.value().baseFile.isEmpty() && !baseText.isEmpty() &&
            fileText(loaded.value().baseFile) != baseText)
            return problem(recording.path() + u": " + loaded.value().baseFile +
                           u", the scenario its own extends, has changed since it was "
                           u"simulated: replaying it would be another incident");
        return loaded;
    }
    const QString name =
        found.isEmpty() ? QDir(recordingFolder).filePath(QFileInfo(file).fileName()) : found;
    Result<Scenario> parsed = parseScenario(text.toUtf8(), name);
    if (!parsed) { // a variant whose base is not beside it any more, most likely
        ErrorList errors{problem(recording.path() + u": the scenario it was simulated from (" +
                                 file +
                                 u") is not where it was, or has changed, and the text "
                                 u"it keeps cannot be read alone:")};
        return errors + parsed.errors();
    }
    return parsed;
}

} // namespace

Result<Counterfactual> replayWithChange(const QString &recordingPath, const QString &whatIf,
                                        const CounterfactualOptions &options)
{
    if (const QString why = actionFieldError(ActionField::WhatIf, whatIf); !why.isEmpty())
        return problem(why);
    if (whatIf.trimmed().isEmpty())
        return problem(QStringLiteral("no what-if to replay the incident with"));
    auto opened = Recording::open(recordingPath);
    if (!opened)
        return opened.errors();
    const Recording &recording = *opened.value();
    QString scenarioFolder;
    Result<Scenario> base = recordedScenario(recording, &scenarioFolder);
    if (!base)
        return base.errors();

    SimulationOptions simulation;
    bool seeded = false;
    simulation.seed = recording.meta(QStringLiteral("seed")).toULongLong(&seeded);
    if (!seeded)
        simulation.seed.reset();
    // What-ifs the recording was made with beyond its scenario's own (`simulate --what-if`).
    const QStringList recorded =
        recording.meta(QStringLiteral("what_ifs")).split(u' ', Qt::SkipEmptyParts);
    for (const QString &w : recorded) {
        if (!base.value().whatIfs.contains(w))
            simulation.whatIfs.append(w);
    }
    Scenario scenario = base.value();
    if (whatIfIsScenarioFile(whatIf)) {
        const QString name = whatIf.trimmed();
        const QString variant = firstFile(
            {QDir::isAbsolutePath(name) ? name : QString(), QDir(scenarioFolder).filePath(name),
             QDir(QFileInfo(recordingPath).absolutePath()).filePath(name)});
        if (variant.isEmpty())
            return problem(name + u": not found beside the incident's scenario (" + scenarioFolder +
                           u") or the recording");
        Result<Scenario> loaded = loadScenarioFile(variant);
        if (!loaded)
            return loaded.errors();
        scenario = loaded.value();
    } else {
        simulation.whatIfs += whatIfChanges(whatIf);
    }
    simulation.progress = options.progress;
    simulation.cancelled = options.cancelled;
    if (auto stats = recordSimulation(scenario, simulation, options.outputPath); !stats)
        return stats.errors();
    auto replayed = Recording::open(options.outputPath);
    if (!replayed)
        return replayed.errors();
    Counterfactual c;
    c.outputPath = options.outputPath;
    c.actual = runOutcome(recording);
    c.changed = runOutcome(*replayed.value());
    c.rows = compareRuns(c.actual, c.changed);
    return c;
}

} // namespace warroom
