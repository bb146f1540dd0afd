#include "shared_address.h"

#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

namespace warroom {

bool isSharedAddress(const QString &text)
{
    return text.startsWith(u"postgresql://") || text.startsWith(u"postgres://");
}

QString recordingDisplayName(const QString &path)
{
    if (!isSharedAddress(path))
        return QFileInfo(path).fileName();
    const QUrl url(path);
    const QString incident =
        QUrlQuery(url).queryItemValue(QStringLiteral("incident"), QUrl::FullyDecoded);
    const QString where =
        url.host() + (url.port() > 0 ? u':' + QString::number(url.port()) : QString()) + url.path();
    return (incident.isEmpty() ? QStringLiteral("incidents") : incident) + u" on " + where;
}

QString recordingBaseName(const QString &path)
{
    if (!isSharedAddress(path))
        return QFileInfo(path).completeBaseName();
    QString incident =
        QUrlQuery(QUrl(path)).queryItemValue(QStringLiteral("incident"), QUrl::FullyDecoded);
    // A name for files: nothing that makes a path of it.
    incident.replace(u'/', u'_').replace(u'\\', u'_');
    return incident.isEmpty() ? QStringLiteral("incident") : incident;
}

QString traineeCommand(const QString &path)
{
    QString shown = path;
    if (isSharedAddress(path)) {
        QUrl url(path);
        QUrlQuery query(url);
        query.removeAllQueryItems(QStringLiteral("user"));
        query.addQueryItem(QStringLiteral("user"), QStringLiteral("ROLE"));
        url.setQuery(query);
        url.setUserName({});
        shown = url.toString();
    }
    return u"warroom --trainee '" + shown.replace(u'\'', QStringLiteral("'\\''")) + u'\'';
}

Result<SharedAddress> parseSharedAddress(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!isSharedAddress(text) || !url.isValid())
        return Error{
            u"'" + text +
                u"' is not an address such as postgresql://HOST:PORT/DATABASE?incident=NAME",
            {},
            0,
            0};
    QUrlQuery query(url);
    if (!url.password().isEmpty() || query.hasQueryItem(QStringLiteral("password")) ||
        query.hasQueryItem(QStringLiteral("sslpassword")))
        return Error{QStringLiteral("a password does not go in the address (it would be on a "
                                    "command line): use ~/.pgpass (PGPASSFILE) or a service file "
                                    "(docs/shared.md)"),
                     {},
                     0,
                     0};
    if (url.hasFragment())
        return Error{u"'" + url.toString(QUrl::RemoveFragment) +
                         u"#…': an address has no #fragment (quote the address in the shell)",
                     {},
                     0,
                     0};
    if (query.allQueryItemValues(QStringLiteral("incident")).size() > 1)
        return Error{QStringLiteral("the address names incident= more than once"), {}, 0, 0};
    SharedAddress a;
    a.incident = query.queryItemValue(QStringLiteral("incident"), QUrl::FullyDecoded);
    query.removeAllQueryItems(QStringLiteral("incident"));
    if (!query.hasQueryItem(QStringLiteral("connect_timeout"))) // never wait forever
        query.addQueryItem(QStringLiteral("connect_timeout"), QStringLiteral("10"));
    QUrl forLibpq = url;
    forLibpq.setQuery(query);
    a.conninfo = forLibpq.toString(QUrl::FullyEncoded);
    QUrl shown = forLibpq;
    shown.setQuery(QString());
    a.server = shown.toString();
    a.display = a.server + (a.incident.isEmpty() ? QString() : u" incident " + a.incident);
    return a;
}

} // namespace warroom
