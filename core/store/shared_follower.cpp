#include "shared_follower.h"

#include "shared_schema.h"

#include <QUrl>
#include <QUrlQuery>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

namespace warroom {

namespace {

// A server that vanishes without closing the socket (a cable, a frozen VM) is noticed within
// about ten seconds by TCP keepalives, unless the address says otherwise.
QString withKeepalives(const QString &conninfo)
{
    QUrl url(conninfo);
    QUrlQuery query(url);
    for (const auto &[key, value] : {std::pair{"keepalives", "1"},
                                     {"keepalives_idle", "5"},
                                     {"keepalives_interval", "2"},
                                     {"keepalives_count", "3"}}) {
        if (!query.hasQueryItem(QLatin1StringView(key)))
            query.addQueryItem(QLatin1StringView(key), QLatin1StringView(value));
    }
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace

SharedFollower::SharedFollower(const QString &address, QObject *parent)
    : QObject(parent)
    , m_address(address)
{
    if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        m_wake[0] = m_wake[1] = -1;
}

SharedFollower::~SharedFollower()
{
    m_stop = true;
    if (m_wake[1] >= 0) {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(m_wake[1], &byte, 1);
    }
    if (m_thread.joinable())
        m_thread.join();
    for (int fd : m_wake) {
        if (fd >= 0)
            ::close(fd);
    }
}

void SharedFollower::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] { run(); });
}

bool SharedFollower::waitForWake(int timeoutMs)
{
    pollfd wake{m_wake[0], POLLIN, 0};
    ::poll(&wake, 1, timeoutMs);
    return m_stop;
}

void SharedFollower::run()
{
    auto parsed = parseSharedAddress(m_address);
    if (!parsed) {
        Q_EMIT connectionChanged(false, parsed.errors().first().message);
        return;
    }
    SharedAddress where = parsed.value();
    where.conninfo = withKeepalives(where.conninfo);
    int backoffMs = 250;
    QString lastProblem;
    bool everConnected = false;
    auto problem = [&](const QString &why) {
        if (why != lastProblem || everConnected) // said once per cause, not per attempt
            Q_EMIT connectionChanged(false, why);
        lastProblem = why;
        everConnected = false;
    };
    while (!m_stop) {
        // Connecting without blocking: the destructor must not wait for a connect timeout.
        pg::Connection c(PQconnectStart(where.conninfo.toUtf8().constData()));
        PostgresPollingStatusType polling = PGRES_POLLING_WRITING;
        while (c && PQstatus(c.get()) != CONNECTION_BAD && polling != PGRES_POLLING_OK &&
               polling != PGRES_POLLING_FAILED && !m_stop) {
            pollfd fds[2] = {
                {PQsocket(c.get()), short(polling == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0},
                {m_wake[0], POLLIN, 0}};
            if (::poll(fds, 2, 10'000) == 0) {
                polling = PGRES_POLLING_FAILED; // no answer in 10 s
                break;
            }
            polling = PQconnectPoll(c.get());
        }
        if (m_stop)
            return;
        if (c)
            pg::quietNotices(c.get());
        if (!c || polling != PGRES_POLLING_OK) {
            problem(u"cannot reach " + where.display + u": " +
                    (c ? pg::pgError(c.get()) : QStringLiteral("no memory")));
            if (waitForWake(backoffMs))
                return;
            backoffMs = std::min(backoffMs * 2, 10'000);
            continue;
        }
        auto found = pg::exec(c.get(),
                              QStringLiteral("SELECT id FROM warroom.incidents WHERE name = $1 AND "
                                             "to_regclass('warroom.incidents') IS NOT NULL"),
                              {where.incident});
        const bool known = found && PQntuples(found.value().get()) == 1;
        if (!known) {
            problem(found ? u"no incident named " + where.incident + u" in " + where.server
                          : found.errors().first().message);
            if (waitForWake(backoffMs))
                return;
            backoffMs = std::min(backoffMs * 2, 10'000);
            continue;
        }
        const qint64 incident = QByteArray(PQgetvalue(found.value().get(), 0, 0)).toLongLong();
        auto standby = pg::exec(c.get(), QStringLiteral("SELECT pg_is_in_recovery()"));
        if (standby && QByteArray(PQgetvalue(standby.value().get(), 0, 0)) == "t") {
            // A streaming replica: NOTIFY does not reach standbys. What it has replayed is
            // watched instead (a cheap function, twice a second; no table is read).
            backoffMs = 250;
            lastProblem.clear();
            everConnected = true;
            Q_EMIT connectionChanged(true, {});
            QByteArray replayed;
            for (;;) {
                auto at = pg::exec(c.get(), QStringLiteral("SELECT pg_last_wal_replay_lsn()"));
                if (!at)
                    break;
                const QByteArray now = PQgetvalue(at.value().get(), 0, 0);
                if (!replayed.isEmpty() && now != replayed)
                    Q_EMIT changed(QStringLiteral("replayed"));
                replayed = now;
                if (waitForWake(500))
                    return;
            }
            problem(u"lost the connection to " + where.display + u": " + pg::pgError(c.get()));
            continue;
        }
        if (auto listening = pg::exec(c.get(), u"LISTEN " + pg::channelOf(incident)); !listening) {
            problem(listening.errors().first().message);
            if (waitForWake(backoffMs))
                return;
            continue;
        }
        backoffMs = 250;
        lastProblem.clear();
        everConnected = true;
        Q_EMIT connectionChanged(true, {}); // what came while away is read now
        for (;;) {
            pollfd fds[2] = {{PQsocket(c.get()), POLLIN, 0}, {m_wake[0], POLLIN, 0}};
            ::poll(fds, 2, -1);
            if (m_stop)
                return;
            if (!PQconsumeInput(c.get()) || PQstatus(c.get()) != CONNECTION_OK)
                break;
            QStringList what;
            while (PGnotify *n = PQnotifies(c.get())) {
                what.append(QString::fromUtf8(n->extra));
                PQfreemem(n);
            }
            if (!what.isEmpty()) // several commits since the last wake: one refresh reads all
                Q_EMIT changed(what.join(u','));
        }
        problem(u"lost the connection to " + where.display + u": " + pg::pgError(c.get()));
    }
}

} // namespace warroom
