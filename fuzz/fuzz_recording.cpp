// libFuzzer: a recording file as it may arrive (truncated, damaged, another program's SQLite
// file): opened and read through, never crashing. The bytes are written to a file first, as
// SQLite reads files.
#include "core/store/content_hashes.h"
#include "core/store/recording.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cstddef>
#include <cstdint>

namespace {
QString g_path;
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv); // QSqlDatabase loads its driver through it
    g_path = QDir::temp().filePath(
        QStringLiteral("warroom-fuzz-%1.warroom").arg(QCoreApplication::applicationPid()));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(g_path + QLatin1StringView(suffix));
    {
        QFile file(g_path);
        if (!file.open(QIODevice::WriteOnly))
            return 0;
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    auto opened = warroom::Recording::open(g_path);
    if (opened) {
        const warroom::Recording &r = *opened.value();
        (void)warroom::contentHashes(r);
        for (const warroom::TopologyVersion &v : r.topologyVersions())
            (void)r.topologyJson(v.id);
        (void)r.postMortems();
    }
    return 0;
}
