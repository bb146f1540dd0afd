#include "postmortem_store.h"

#include "core/store/recording.h"
#include "core/store/recording_writer.h"

#include <QFileInfo>
#include <QJsonDocument>

namespace warroom {

QList<PostMortem> readPostMortems(const Recording &recording, ErrorList *problems,
                                  QStringList *unreadableIds)
{
    QList<PostMortem> out;
    ErrorList errors;
    QStringList unreadable;
    for (const auto &[id, json] : recording.postMortems()) {
        const QString source = QFileInfo(recording.path()).fileName() + u": post-mortem " + id;
        QJsonParseError parse;
        const QJsonDocument doc = QJsonDocument::fromJson(json, &parse);
        if (!doc.isObject()) {
            errors.append(Error{source + u": " + parse.errorString(), {}, 0, 0});
            unreadable.append(id);
            continue;
        }
        auto pm = postMortemFromJson(doc.object(), source);
        if (!pm) {
            errors += pm.errors();
            unreadable.append(id);
        } else {
            // The row's name is the post-mortem's: a trainee's is stored as "ROLE/NAME" and read
            // by the trainee as NAME (docs/shared.md).
            pm.value().id = id;
            out.append(pm.value());
        }
    }
    if (problems)
        *problems = errors;
    if (unreadableIds)
        *unreadableIds = unreadable;
    return out;
}

Result<bool> savePostMortem(const QString &path, const PostMortem &postMortem)
{
    auto writer = RecordingWriter::openForAppend(path);
    if (!writer)
        return writer.errors();
    writer.value()->setPostMortem(postMortem.id,
                                  QJsonDocument(toJson(postMortem)).toJson(QJsonDocument::Compact));
    return writer.value()->close();
}

Result<bool> removePostMortem(const QString &path, const QString &id)
{
    auto writer = RecordingWriter::openForAppend(path);
    if (!writer)
        return writer.errors();
    writer.value()->removePostMortem(id);
    return writer.value()->close();
}

} // namespace warroom
