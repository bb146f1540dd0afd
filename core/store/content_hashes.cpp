#include "content_hashes.h"

#include "recording.h"

#include <QCryptographicHash>
#include <QJsonDocument>

#include <cstring>

namespace warroom {

ContentHashes contentHashes(const Recording &recording)
{
    ContentHashes out;
    QCryptographicHash events(QCryptographicHash::Sha256);
    for (const Event &e : recording.events()) {
        // The bytes core/sim/simulation.cpp hashes for each event it records.
        events.addData(QByteArray(QByteArray::number(e.timeMs) + '|' + toString(e.kind).toUtf8() +
                                  '|' + e.node.toUtf8() + '|' + e.site.toUtf8() + '|' +
                                  e.subject.toUtf8() + '|' + e.text.toUtf8() + '|' +
                                  QJsonDocument(e.details).toJson(QJsonDocument::Compact) + '\n'));
        ++out.events;
    }
    out.eventsHash = events.result().toHex();
    QCryptographicHash samples(QCryptographicHash::Sha256);
    for (const StoredSeries &s : recording.series()) {
        samples.addData(QByteArray(s.info.key.toUtf8() + '\n'));
        const std::vector<float> values = recording.samples(s, s.info.startMs, s.endMs());
        if (!values.empty()) // (memcpy from an empty vector's null data is undefined)
            samples.addData(QByteArrayView(reinterpret_cast<const char *>(values.data()),
                                           qsizetype(values.size() * sizeof(float))));
        out.samples += qint64(values.size());
    }
    out.samplesHash = samples.result().toHex();
    return out;
}

} // namespace warroom
