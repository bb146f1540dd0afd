#include "feed_protocol.h"

#include "core/model/topology_json.h"
#include "core/util/quoted.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <array>
#include <cmath>
#include <limits>
#include <string_view>

namespace warroom::feed {

namespace {

QByteArray line(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

// A required integer field (milliseconds): a JSON number with no fraction.
std::optional<qint64> integer(const QJsonObject &o, const QString &name)
{
    const QJsonValue v = o.value(name);
    if (!v.isDouble() || std::floor(v.toDouble()) != v.toDouble() || std::abs(v.toDouble()) > 9e15)
        return std::nullopt;
    return qint64(v.toDouble());
}

std::optional<QString> text(const QJsonObject &o, const QString &name, bool required)
{
    const QJsonValue v = o.value(name);
    if (v.isUndefined() && !required)
        return QString();
    if (!v.isString())
        return std::nullopt;
    return v.toString();
}

// A key is a lower-case name, so that "START_MS" or "start_ms " cannot pass for another key
// beside the server's own; the service-level thresholds the summary and charts read are
// fractions.
std::optional<QString> metaProblem(const QString &key, const QString &value)
{
    // Anchored whole: a pattern's "$" would also let a key end in "\n" ("start_ms\n").
    static const QRegularExpression name(
        QRegularExpression::anchoredPattern(QStringLiteral("[a-z][a-z0-9_.-]{0,63}")));
    if (!name.match(key).hasMatch())
        return u"meta key " + quotedForMessage(key) +
               (key.size() > 40 ? u" (" + QString::number(key.size()) + u" characters)"
                                : QString()) +
               u" must be a lower-case name (a-z, 0-9, '_', '.', '-'; at most 64 characters)";
    if (key == u"outage_above" || key == u"degraded_above") {
        bool ok = value == value.trimmed();
        const double fraction = ok ? value.toDouble(&ok) : 0.0;
        if (!ok || !(fraction >= 0.0 && fraction <= 1.0))
            return u"meta \"" + key + u"\" must be a fraction from 0 to 1, not " +
                   quotedForMessage(value);
    }
    return std::nullopt;
}

// The common event line, read without building a JSON document: a flat object of the event's
// string fields and an integer time, with at most a "details" object (parsed on its own).
// Anything else (escapes in strings, other keys, a key twice, numbers with a fraction or an
// exponent, bad JSON) gives nothing, and the general parser reads it, errors included.
class EventLineReader
{
public:
    explicit EventLineReader(const QByteArray &bytes)
        : m_p(bytes.constData())
        , m_end(bytes.constData() + bytes.size())
    {}

    std::optional<Event> read()
    {
        Event e;
        bool isEvent = false, hasTime = false, hasKind = false;
        unsigned seen = 0;
        skipSpace();
        if (!take('{'))
            return std::nullopt;
        skipSpace();
        if (take('}'))
            return std::nullopt;
        for (;;) {
            const auto key = string();
            if (!key)
                return std::nullopt;
            skipSpace();
            if (!take(':'))
                return std::nullopt;
            skipSpace();
            const int field = fieldOf(*key);
            if (field < 0 || (seen & (1u << field)))
                return std::nullopt;
            seen |= 1u << field;
            if (field == Time) {
                const auto t = integer();
                if (!t)
                    return std::nullopt;
                e.timeMs = *t;
                hasTime = true;
            } else if (field == Details) {
                const char *from = m_p;
                if (!skipObject())
                    return std::nullopt;
                QJsonParseError error;
                const QJsonDocument doc =
                    QJsonDocument::fromJson(QByteArray::fromRawData(from, m_p - from), &error);
                if (error.error != QJsonParseError::NoError || !doc.isObject())
                    return std::nullopt;
                e.details = doc.object();
            } else {
                const auto value = string();
                if (!value)
                    return std::nullopt;
                switch (field) {
                case Type:
                    isEvent = *value == "event";
                    break;
                case Kind:
                    if (!eventKindFromString(QString::fromUtf8(*value), &e.kind))
                        return std::nullopt;
                    hasKind = true;
                    break;
                case NodeField:
                    e.node = QString::fromUtf8(*value);
                    break;
                case SiteField:
                    e.site = QString::fromUtf8(*value);
                    break;
                case Subject:
                    e.subject = QString::fromUtf8(*value);
                    break;
                case Text:
                    e.text = QString::fromUtf8(*value);
                    break;
                }
            }
            skipSpace();
            if (take('}'))
                break;
            if (!take(','))
                return std::nullopt;
            skipSpace();
        }
        skipSpace();
        if (m_p != m_end || !isEvent || !hasTime || !hasKind)
            return std::nullopt;
        return e;
    }

private:
    enum Field
    {
        Type,
        Time,
        Kind,
        NodeField,
        SiteField,
        Subject,
        Text,
        Details
    };
    static int fieldOf(QByteArrayView key)
    {
        static constexpr std::array<std::string_view, 8> names = {
            "type", "time_ms", "kind", "node", "site", "subject", "text", "details"};
        for (size_t i = 0; i < names.size(); ++i) {
            if (key == QByteArrayView(names[i].data(), qsizetype(names[i].size())))
                return int(i);
        }
        return -1;
    }
    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\r' || *m_p == '\n'))
            ++m_p;
    }
    bool take(char c)
    {
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    // A string without escapes or control characters (its UTF-8 is checked by fromUtf8's
    // caller: the general parser rejects what it would garble).
    std::optional<QByteArrayView> string()
    {
        if (!take('"'))
            return std::nullopt;
        const char *from = m_p;
        while (m_p < m_end && *m_p != '"') {
            if (*m_p == '\\' || uchar(*m_p) < 0x20 || uchar(*m_p) >= 0x80)
                return std::nullopt; // escapes and non-ASCII: the general parser
            ++m_p;
        }
        if (m_p == m_end)
            return std::nullopt;
        return QByteArrayView(from, m_p++ - from);
    }
    std::optional<qint64> integer()
    {
        const bool negative = take('-');
        qint64 value = 0;
        int digits = 0;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            if (++digits > 16)
                return std::nullopt;
            value = value * 10 + (*m_p++ - '0');
        }
        if (digits == 0 || (m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E')) ||
            value > 9'000'000'000'000'000LL)
            return std::nullopt;
        return negative ? -value : value;
    }
    // An object, braces balanced outside strings; its content is parsed by QJsonDocument.
    bool skipObject()
    {
        if (m_p >= m_end || *m_p != '{')
            return false;
        int depth = 0;
        bool inString = false;
        for (; m_p < m_end; ++m_p) {
            const char c = *m_p;
            if (inString) {
                if (c == '\\')
                    ++m_p;
                else if (c == '"')
                    inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    ++m_p;
                    return true;
                }
            }
        }
        return false;
    }

    const char *m_p;
    const char *m_end;
};

// What a line's strings hold that no text should: a NUL (raw or escaped) or half of a UTF-16
// surrogate pair, which JSON's \u escapes can spell but no Unicode text holds. The JSON parser
// would take both (a NUL cuts a C string, a lone surrogate becomes U+FFFD or garbage downstream).
std::optional<QString> badText(const QByteArray &bytes)
{
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0)
        return u"a NUL byte at column " + QString::number(nul + 1);
    if (!bytes.contains("\\u"))
        return std::nullopt; // the common line: nothing to look at
    bool inString = false;
    int highAt = -1; // a high surrogate's column, waiting for its low half
    int highUnit = 0;
    auto lone = [](int unit, int column) -> QString {
        return u"a lone surrogate (\\u" + QString::number(unit, 16).rightJustified(4, u'0') +
               u") in a text at column " + QString::number(column);
    };
    auto hex = [&](qsizetype at) -> int {
        if (at + 4 > bytes.size())
            return -1;
        bool ok = false;
        const int v = QByteArray::fromRawData(bytes.constData() + at, 4).toInt(&ok, 16);
        return ok ? v : -1;
    };
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (!inString) {
            inString = c == '"';
            continue;
        }
        if (c == '"') {
            if (highAt >= 0)
                break;
            inString = false;
        } else if (c == '\\' && i + 1 < bytes.size()) {
            if (bytes[i + 1] != 'u') {
                if (highAt >= 0)
                    break;
                ++i;
                continue;
            }
            const int unit = hex(i + 2);
            const int column = int(i) + 1;
            if (unit == 0)
                return u"\\u0000 (a NUL) in a text at column " + QString::number(column);
            const bool high = unit >= 0xD800 && unit <= 0xDBFF;
            const bool low = unit >= 0xDC00 && unit <= 0xDFFF;
            if (highAt >= 0 && !low)
                break;
            if (low && highAt < 0)
                return lone(unit, column);
            highAt = high ? column : -1;
            highUnit = unit;
            i += 5;
            continue;
        }
        if (highAt >= 0)
            break;
    }
    if (highAt >= 0)
        return lone(highUnit, highAt);
    return std::nullopt;
}

// An event's names (node, site, subject) are shown and filtered on: one hiding a character
// would pass for another. Its text may hold anything a text can.
std::optional<QString> hiddenInName(const Event &e)
{
    for (const auto &[name, value] : {std::pair{"node", &e.node}, std::pair{"site", &e.site},
                                      std::pair{"subject", &e.subject}}) {
        if (!showsWhole(*value))
            return u'"' + QLatin1StringView(name) + u"\" " + quotedForMessage(*value) +
                   u" holds a character that does not show (a control or format character)";
    }
    return std::nullopt;
}

} // namespace

std::variant<Message, QString> parseLine(const QByteArray &bytes)
{
    if (bytes.size() > kMaxLineBytes)
        return QStringLiteral("longer than %1 bytes").arg(kMaxLineBytes);
    if (auto bad = badText(bytes)) // (two quick scans for the common line)
        return *bad;
    if (auto event = EventLineReader(bytes).read()) {
        if (auto problem = hiddenInName(*event))
            return *problem;
        return Message(std::move(*event));
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt reads only an object or an array whole: a lone string or number is JSON too, just
        // not an object, and is told so rather than "illegal value".
        if (QJsonDocument::fromJson('[' + bytes + ']').isArray())
            return QStringLiteral("not a JSON object (a line is one object: {\"type\":…})");
        return u"not JSON: " + error.errorString() + u" at column " +
               QString::number(error.offset + 1);
    }
    if (!doc.isObject())
        return QStringLiteral("not a JSON object (a line is one object: {\"type\":…})");
    const QJsonObject o = doc.object();
    const QString type = o.value(QStringLiteral("type")).toString();
    if (!o.contains(QStringLiteral("type")))
        return QStringLiteral("\"type\" is missing (event, samples, series, topology, meta or "
                              "hello)");
    auto need = [](const QString &what) -> QString {
        return u'"' + what + u"\" is missing or not ";
    };
    if (type == u"event") {
        Event e;
        const auto time = integer(o, QStringLiteral("time_ms"));
        if (!time)
            return need(QStringLiteral("time_ms")) + u"an integer (milliseconds since the epoch)";
        e.timeMs = *time;
        const QString kind = o.value(QStringLiteral("kind")).toString();
        if (!eventKindFromString(kind, &e.kind))
            return u"\"kind\" must be one of the event kinds (docs/recording-format.md), not " +
                   quotedForMessage(kind, 80);
        for (const auto &[name, field] :
             {std::pair{u"node", &Event::node}, std::pair{u"site", &Event::site},
              std::pair{u"subject", &Event::subject}, std::pair{u"text", &Event::text}}) {
            const auto value = text(o, QString::fromUtf16(name), false);
            if (!value)
                return u'"' + QString::fromUtf16(name) + u"\" must be a string";
            e.*field = *value;
        }
        const QJsonValue details = o.value(QStringLiteral("details"));
        if (!details.isUndefined() && !details.isObject())
            return QStringLiteral("\"details\" must be an object");
        e.details = details.toObject();
        if (auto problem = hiddenInName(e))
            return *problem;
        return Message(std::move(e));
    }
    if (type == u"samples") {
        Samples s;
        const auto key = text(o, QStringLiteral("key"), true);
        if (!key || key->isEmpty())
            return need(QStringLiteral("key")) + u"a string";
        s.key = *key;
        const QJsonValue values = o.value(QStringLiteral("values"));
        if (!values.isArray())
            return need(QStringLiteral("values")) + u"an array of numbers";
        const QJsonArray array = values.toArray();
        s.values.reserve(array.size());
        for (const QJsonValue &v : array) {
            if (!v.isDouble() && !v.isNull())
                return QStringLiteral("\"values\" must hold numbers (or null for no value)");
            if (std::abs(v.toDouble()) > double(std::numeric_limits<float>::max()))
                return u"\"values\" holds " + QString::number(v.toDouble()) +
                       u", beyond what a sample can hold (3.4e38)";
            s.values.append(v.isNull() ? std::nanf("") : float(v.toDouble()));
        }
        return Message(std::move(s));
    }
    if (type == u"series") {
        SeriesInfo info;
        const auto key = text(o, QStringLiteral("key"), true);
        const auto metric = text(o, QStringLiteral("metric"), true);
        const auto start = integer(o, QStringLiteral("start_ms"));
        const auto interval = integer(o, QStringLiteral("interval_ms"));
        if (!key || key->isEmpty())
            return need(QStringLiteral("key")) + u"a string";
        if (!metric)
            return need(QStringLiteral("metric")) + u"a string";
        if (!start)
            return need(QStringLiteral("start_ms")) + u"an integer";
        if (!interval || *interval <= 0)
            return need(QStringLiteral("interval_ms")) + u"a positive integer";
        for (const char *name : {"key", "metric", "node", "unit"}) {
            const QString value = o.value(QLatin1StringView(name)).toString();
            if (!showsWhole(value))
                return u'"' + QLatin1StringView(name) + u"\" " + quotedForMessage(value) +
                       u" holds a character that does not show (a control or format character)";
        }
        info.key = *key;
        info.metric = *metric;
        info.node = o.value(QStringLiteral("node")).toString();
        info.unit = o.value(QStringLiteral("unit")).toString();
        info.startMs = *start;
        info.intervalMs = *interval;
        return Message(info);
    }
    if (type == u"topology") {
        const auto time = integer(o, QStringLiteral("time_ms"));
        if (!time)
            return need(QStringLiteral("time_ms")) + u"an integer";
        if (!o.value(QStringLiteral("topology")).isObject())
            return need(QStringLiteral("topology")) + u"an object (a recording's topology)";
        if (auto problem = topologyJsonProblem(o.value(QStringLiteral("topology")).toObject()))
            return *problem;
        return Message(TopologyMessage{
            *time, o.value(QStringLiteral("reason")).toString(QStringLiteral("feed")),
            QJsonDocument(o.value(QStringLiteral("topology")).toObject())
                .toJson(QJsonDocument::Compact)});
    }
    if (type == u"meta") {
        const auto key = text(o, QStringLiteral("key"), true);
        const auto value = text(o, QStringLiteral("value"), true);
        if (!key || !value)
            return QStringLiteral("\"key\" and \"value\" must be strings");
        if (auto wrong = metaProblem(*key, *value))
            return *wrong;
        return Message(Meta{*key, *value});
    }
    if (type == u"hello")
        return Message(Hello{o.value(QStringLiteral("token")).toString()});
    return u"\"type\" must be event, samples, series, topology, meta or hello, not " +
           quotedForMessage(type);
}

QByteArray eventLine(const Event &e)
{
    QJsonObject o{{QStringLiteral("type"), QStringLiteral("event")},
                  {QStringLiteral("time_ms"), e.timeMs},
                  {QStringLiteral("kind"), toString(e.kind)}};
    for (const auto &[name, value] :
         {std::pair{u"node", &e.node}, std::pair{u"site", &e.site},
          std::pair{u"subject", &e.subject}, std::pair{u"text", &e.text}}) {
        if (!value->isEmpty())
            o.insert(QString::fromUtf16(name), *value);
    }
    if (!e.details.isEmpty())
        o.insert(QStringLiteral("details"), e.details);
    return line(o);
}

QByteArray seriesLine(const SeriesInfo &s)
{
    return line({{QStringLiteral("type"), QStringLiteral("series")},
                 {QStringLiteral("key"), s.key},
                 {QStringLiteral("node"), s.node},
                 {QStringLiteral("metric"), s.metric},
                 {QStringLiteral("unit"), s.unit},
                 {QStringLiteral("start_ms"), s.startMs},
                 {QStringLiteral("interval_ms"), s.intervalMs}});
}

QByteArray samplesLine(const QString &key, const QList<float> &values)
{
    QJsonArray array;
    for (float v : values)
        array.append(std::isnan(v) ? QJsonValue() : QJsonValue(double(v)));
    return line({{QStringLiteral("type"), QStringLiteral("samples")},
                 {QStringLiteral("key"), key},
                 {QStringLiteral("values"), array}});
}

QByteArray topologyLine(qint64 timeMs, const QString &reason, const QByteArray &json)
{
    return line({{QStringLiteral("type"), QStringLiteral("topology")},
                 {QStringLiteral("time_ms"), timeMs},
                 {QStringLiteral("reason"), reason},
                 {QStringLiteral("topology"), QJsonDocument::fromJson(json).object()}});
}

QByteArray metaLine(const QString &key, const QString &value)
{
    return line({{QStringLiteral("type"), QStringLiteral("meta")},
                 {QStringLiteral("key"), key},
                 {QStringLiteral("value"), value}});
}

QByteArray helloLine(const QString &token)
{
    return line(
        {{QStringLiteral("type"), QStringLiteral("hello")}, {QStringLiteral("token"), token}});
}

} // namespace warroom::feed
