#include "record_simulation.h"

#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "core/store/shared_copy.h"
#include "core/util/files.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

#include <atomic>
#include <optional>

namespace warroom {

QList<std::pair<QString, QString>> simulationMeta(const Scenario &scenario,
                                                  const SimulationOptions &options,
                                                  const SimulationStats &stats,
                                                  const QString &source)
{
    QJsonArray queues;
    for (const QueueSpec &q : scenario.queues)
        queues.append(
            QJsonObject{{QStringLiteral("id"), q.id}, {QStringLiteral("target_ms"), q.targetMs}});
    return {
        {QStringLiteral("format"), QStringLiteral("warroom-recording")},
        {QStringLiteral("source"), source},
        {QStringLiteral("scenario_name"), scenario.name},
        {QStringLiteral("scenario_title"), scenario.title},
        {QStringLiteral("scenario_description"), scenario.description},
        {QStringLiteral("scenario_file"), scenario.file},
        {QStringLiteral("scenario_text"), fileText(scenario.file)},
        {QStringLiteral("base_scenario_text"),
         scenario.baseFile.isEmpty() ? QString() : fileText(scenario.baseFile)},
        {QStringLiteral("what_ifs"), (scenario.whatIfs + options.whatIfs).join(u' ')},
        {QStringLiteral("seed"), QString::number(stats.seed)},
        {QStringLiteral("start_ms"), QString::number(stats.startMs)},
        {QStringLiteral("end_ms"), QString::number(stats.endMs)},
        {QStringLiteral("tick_ms"), QString::number(scenario.simulation.tickMs)},
        {QStringLiteral("events_hash"), QString::fromLatin1(stats.eventsHash)},
        {QStringLiteral("samples_hash"), QString::number(stats.samplesHash, 16)},
        {QStringLiteral("outage_above"), QString::number(scenario.serviceLevel.outageAbove)},
        {QStringLiteral("degraded_above"), QString::number(scenario.serviceLevel.degradedAbove)},
        {QStringLiteral("queues"),
         QString::fromUtf8(QJsonDocument(queues).toJson(QJsonDocument::Compact))},
        {QStringLiteral("created_by"), QStringLiteral("warroom " WARROOM_VERSION)},
    };
}

Result<SimulationStats> recordSimulation(const Scenario &scenario, const SimulationOptions &options,
                                         const QString &path)
{
    // Its own partial file (or shared incident): two simulations into the same path never
    // write one recording, and a failed one leaves the old in place.
    static std::atomic<int> serial{0};
    const QString suffix = u".partial-" + QString::number(QCoreApplication::applicationPid()) +
                           u'-' + QString::number(++serial);
    std::optional<SharedAddress> shared;
    QString partial = path + suffix;
    if (isSharedAddress(path)) {
        auto address = parseSharedAddress(path);
        if (!address)
            return address.errors();
        shared = address.value();
        // A team's incident is not replaced by a simulation: its post-mortems, its live feed.
        if (auto exists = incidentExists(*shared); !exists || exists.value())
            return exists ? Result<SimulationStats>(Error{u"an incident named " + shared->incident +
                                                              u" is already in " + shared->display +
                                                              u": choose another name",
                                                          {},
                                                          0,
                                                          0})
                          : Result<SimulationStats>(exists.errors());
        QUrl url(path);
        QUrlQuery query(url);
        query.removeAllQueryItems(QStringLiteral("incident"));
        query.addQueryItem(QStringLiteral("incident"), shared->incident + suffix);
        url.setQuery(query);
        partial = url.toString(QUrl::FullyEncoded);
    }
    auto discard = [&] {
        if (!shared) {
            QFile::remove(partial);
        } else if (auto a = parseSharedAddress(partial)) {
            removeIncident(a.value());
        }
    };
    auto writer = RecordingWriter::create(partial);
    if (!writer)
        return writer.errors();
    Result<SimulationStats> stats = [&] {
        RecordingSink sink(*writer.value());
        Result<SimulationStats> result = simulate(scenario, options, sink);
        sink.finish();
        return result;
    }();
    if (!stats) {
        writer.value().reset();
        discard();
        return stats;
    }
    RecordingWriter &w = *writer.value();
    const QList<std::pair<QString, QString>> meta =
        simulationMeta(scenario, options, stats.value(), QStringLiteral("simulator"));
    for (const auto &[key, value] : meta)
        w.setMeta(key, value);
    const Result<bool> closed = w.close();
    writer.value().reset();
    if (!closed) {
        discard();
        return closed.errors();
    }
    if (shared) {
        auto moved = renameIncident(parseSharedAddress(partial).value(), shared->incident);
        if (!moved)
            discard();
        return moved ? stats : Result<SimulationStats>(moved.errors());
    }
    QFile::remove(path);
    if (!QFile::rename(partial, path))
        return Error{QStringLiteral("cannot write the recording there"), path, 0, 0};
    return stats;
}

} // namespace warroom
