#include "quoted.h"

namespace warroom {

namespace {

bool shows(char32_t c)
{
    if (c == U' ')
        return true;
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Space:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return false;
    default:
        return true;
    }
}

QString escaped(QChar c)
{
    return u"\\u" + QString::number(c.unicode(), 16).rightJustified(4, u'0');
}

} // namespace

QString quotedForMessage(const QString &text, qsizetype max)
{
    QString out(u'"');
    qsizetype i = 0;
    for (qsizetype taken = 0; i < text.size() && taken < max; ++i, ++taken) {
        const QChar c = text[i];
        // A pair stands for one character: an emoji is kept whole; one that does not show (a
        // tag character, private use) has both halves escaped.
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            const QChar low = text[++i];
            if (shows(QChar::surrogateToUcs4(c, low))) {
                out += c;
                out += low;
            } else {
                out += escaped(c) + escaped(low);
            }
        } else if (c == u'"' || c == u'\\') {
            out += u'\\';
            out += c;
        } else if (c == u'\n') {
            out += u"\\n";
        } else if (c == u'\t') {
            out += u"\\t";
        } else if (c == u'\r') {
            out += u"\\r";
        } else if (!shows(c.unicode())) {
            out += escaped(c);
        } else {
            out += c;
        }
    }
    out += u'"';
    return i < text.size() ? out + u"…" : out;
}

bool showsWhole(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.unicode() >= 0x20 && c.unicode() < 0x7f)
            continue; // printable ASCII: nearly every name
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            if (!shows(QChar::surrogateToUcs4(c, text[++i])))
                return false;
        } else if (!shows(c.unicode())) {
            return false;
        }
    }
    return true;
}

} // namespace warroom
