#pragma once

#include "core/events/event.h"
#include "core/events/event_sink.h"

#include <QByteArray>
#include <QList>
#include <variant>

namespace warroom::feed {

// The feed protocol (docs/feed-protocol.md): newline-delimited JSON, one object per line.
constexpr qsizetype kMaxLineBytes = 64 * 1024;

struct Hello
{
    QString token;
};
struct Meta
{
    QString key;
    QString value;
};
struct TopologyMessage
{
    qint64 timeMs = 0;
    QString reason;
    QByteArray json; // the topology as stored in recordings
};
struct Samples
{
    QString key;
    QList<float> values;
};
using Message = std::variant<Hello, Meta, TopologyMessage, Event, SeriesInfo, Samples>;

// One line (without its newline) to a message, or what is wrong with it ("\"kind\" must be one
// of the event kinds, not \"oops\"").
std::variant<Message, QString> parseLine(const QByteArray &line);

// The lines a client sends, for `warroom-cli feed` and tests.
QByteArray eventLine(const Event &event);
QByteArray seriesLine(const SeriesInfo &series);
QByteArray samplesLine(const QString &key, const QList<float> &values);
QByteArray topologyLine(qint64 timeMs, const QString &reason, const QByteArray &json);
QByteArray metaLine(const QString &key, const QString &value);
QByteArray helloLine(const QString &token);

} // namespace warroom::feed
