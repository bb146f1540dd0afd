#include "big_recording.h"

#include "core/model/topology_json.h"
#include "core/sim/random.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"

#include <QFile>

#include <cmath>

namespace warroom::bench {

namespace {

Topology fleet()
{
    Topology t;
    for (const char *id : {"dc1", "dc2", "dc3"}) {
        Site site;
        site.id = QString::fromLatin1(id);
        t.sites.append(site);
    }
    for (int i = 0; i < 36; ++i) {
        Link l;
        l.id = u"l" + QString::number(i);
        l.siteA = i % 3;
        l.siteB = (i + 1) % 3;
        t.links.append(l);
    }
    for (int n = 0; n < 300; ++n) {
        Node node;
        node.id = u"n" + QString::number(n);
        node.roles = {n < 100 ? QStringLiteral("web") : QStringLiteral("db")};
        node.site = n % 3;
        t.nodes.append(node);
    }
    Dependency web;
    web.id = QStringLiteral("web->db");
    web.fromRole = QStringLiteral("web");
    web.toRole = QStringLiteral("db");
    web.port = 5432;
    t.dependencies.append(web);
    return t;
}

} // namespace

QString bigRecording(const QString &path)
{
    if (QFile::exists(path))
        return path;
    Topology t = fleet();
    const QString partial = path + u".partial";
    QFile::remove(partial);
    auto writer = RecordingWriter::create(partial);
    RecordingWriter &w = *writer.value();
    const qint64 start = 1700000000000LL;
    const qint64 day = 86400000LL;
    w.setMeta(QStringLiteral("start_ms"), QString::number(start));
    w.setMeta(QStringLiteral("end_ms"), QString::number(start + day));
    w.setMeta(QStringLiteral("title"), QStringLiteral("Flapping fleet: 1 M link changes in 24 h"));
    w.addTopologyVersion(start, QStringLiteral("start"), topologyToJsonBytes(t));
    {
        RecordingSink sink(w);
        constexpr int kSeries = 116;
        std::vector<int> series;
        for (int s = 0; s < kSeries; ++s)
            series.push_back(sink.beginSeries({u"node/n" + QString::number(s) + u"/cpu",
                                               u"n" + QString::number(s), QStringLiteral("cpu"),
                                               QStringLiteral("%"), start, 1000}));
        Random random(3);
        const int events = 1'000'000;
        int next = 0;
        for (qint64 second = 0; second < day / 1000; ++second) {
            for (int s = 0; s < kSeries; ++s)
                sink.sample(series[size_t(s)],
                            float(40.0 + 30.0 * std::sin(double(second + 97 * s) / 3000.0)));
            const qint64 now = start + second * 1000;
            while (next < events && start + qint64(next) * day / events < now + 1000) {
                const int link = random.below(36);
                const bool down = t.links[link].state == ElementState::Up;
                t.links[link].state = down ? ElementState::Down : ElementState::Up;
                Event e;
                e.timeMs = start + qint64(next) * day / events;
                e.kind = down ? EventKind::LinkDown : EventKind::LinkUp;
                e.subject = t.links[link].id;
                e.text = u"link " + e.subject + (down ? u" down" : u" up");
                sink.event(e);
                if (++next % 1000 == 0)
                    sink.topologyVersion(e.timeMs, QStringLiteral("checkpoint"),
                                         topologyToJsonBytes(t));
            }
        }
        sink.finish();
    }
    w.close();
    QFile::rename(partial, path);
    return path;
}

} // namespace warroom::bench
