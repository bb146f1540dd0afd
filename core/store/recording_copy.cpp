#include "recording_copy.h"

#include "recording.h"
#include "recording_writer.h"
#include "sql_error.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <filesystem>

namespace warroom {

Result<bool> saveRecordingCopy(const QString &from, const QString &to,
                               const QHash<QString, std::pair<double, double>> &layout)
{
    if (QFileInfo(from).canonicalFilePath() == QFileInfo(to).canonicalFilePath() ||
        QFileInfo(from).absoluteFilePath() == QFileInfo(to).absoluteFilePath())
        return Error{QStringLiteral("a copy needs another name than the recording's"), to, 0, 0};
    const QString part = to + u".part-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString connection =
        u"warroom-copy-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString failure;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(from);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            failure = sqlText(db.lastError());
        } else {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("VACUUM INTO ?"));
            q.addBindValue(part);
            if (!q.exec())
                failure = sqlText(q.lastError());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    auto fail = [&](const QString &why) -> Result<bool> {
        QFile::remove(part);
        return Error{u"cannot save a copy of " + from + u": " + why, to, 0, 0};
    };
    if (!failure.isEmpty())
        return fail(failure);
    bool wasLive = false;
    if (auto copied = Recording::open(part))
        wasLive = copied.value()->meta(QStringLiteral("live")) == u"1";
    if (wasLive || !layout.isEmpty()) {
        auto writer = RecordingWriter::openForAppend(part);
        if (!writer)
            return fail(writer.errors().first().message);
        if (wasLive) // a copy of a live recording has no writer of its own: it ends there
            writer.value()->setMeta(QStringLiteral("live"), QStringLiteral("0"));
        for (auto it = layout.cbegin(); it != layout.cend(); ++it)
            writer.value()->setLayout(it.key(), it.value().first, it.value().second);
        if (auto closed = writer.value()->close(); !closed)
            return fail(closed.errors().first().message);
    }
    // The file replaced takes its journal with it (never paired with another's).
    for (const QString &sidecar : {QString(to + u"-wal"), QString(to + u"-shm")})
        QFile::remove(sidecar);
    std::error_code error;
    std::filesystem::rename(part.toStdString(), to.toStdString(), error);
    if (error)
        return fail(QString::fromStdString(error.message()));
    return true;
}

} // namespace warroom
