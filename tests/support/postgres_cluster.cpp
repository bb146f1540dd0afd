#include "postgres_cluster.h"

#include "monitoring_stack.h" // freePort

#include <QDir>
#include <QFile>
#include <QProcess>

#include <unistd.h>

namespace warroom::test {

namespace {

const QString kBin = QStringLiteral("/usr/lib/postgresql/15/bin/");

} // namespace

bool PostgresCluster::run(const QStringList &command, QString *output)
{
    QStringList line = command;
    QString program = line.takeFirst();
    if (geteuid() == 0) { // as the unprivileged postgres user
        line.prepend(program);
        line = QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--")} +
               line;
        program = QStringLiteral("runuser");
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir.path());
    p.start(program, line);
    const bool done =
        p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    const QString text = QString::fromLocal8Bit(p.readAll());
    if (output)
        *output = text;
    if (!done)
        m_error = command.join(u' ') + u" failed: " + text.trimmed() + p.errorString();
    return done;
}

PostgresCluster::PostgresCluster()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary folder");
        return;
    }
    m_data = m_dir.filePath(QStringLiteral("data"));
    if (geteuid() == 0) {
        // The folder (and the path to it) must be the postgres user's to use.
        QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                QFileDevice::ExeOther);
        QProcess::execute(QStringLiteral("chown"), {QStringLiteral("postgres:"), m_dir.path()});
    }
    m_port = freePort();
    if (!run({kBin + u"initdb", QStringLiteral("-D"), m_data, QStringLiteral("-U"),
              QStringLiteral("warroom"), QStringLiteral("-A"), QStringLiteral("trust"),
              QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--no-sync"),
              QStringLiteral("--no-instructions")}))
        return;
    if (!start())
        return;
    run({kBin + u"createdb", QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
         QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-U"),
         QStringLiteral("warroom"), QStringLiteral("warroom")});
}

bool PostgresCluster::start()
{
    const QString options = u"-p " + QString::number(m_port) + u" -k " + m_dir.path() +
                            u" -c listen_addresses=127.0.0.1 -c fsync=off" + m_serverOptions;
    // Stopped in any case (a start that timed out may still come up).
    m_started = true;
    return run({kBin + u"pg_ctl", QStringLiteral("-D"), m_data, QStringLiteral("-o"), options,
                QStringLiteral("-l"), m_dir.filePath(QStringLiteral("server.log")),
                QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("120"),
                QStringLiteral("start")});
}

bool PostgresCluster::stop()
{
    if (!m_started)
        return true;
    m_started = false;
    return run({kBin + u"pg_ctl", QStringLiteral("-D"), m_data, QStringLiteral("-m"),
                QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")});
}

QString PostgresCluster::caFile() const
{
    return m_dir.filePath(QStringLiteral("tls/ca.crt"));
}

bool PostgresCluster::enableTls()
{
    const QString tls = m_dir.filePath(QStringLiteral("tls"));
    QDir().mkpath(tls);
    QFile san(tls + u"/san.cnf");
    if (!san.open(QIODevice::WriteOnly) || san.write("subjectAltName=IP:127.0.0.1\n") < 0)
        return false;
    san.close();
    const QStringList steps[] = {
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
         QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
         QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.crt"),
         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
         QStringLiteral("/CN=warroom test CA")},
        {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
         QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("server.key"),
         QStringLiteral("-out"), QStringLiteral("server.csr"), QStringLiteral("-subj"),
         QStringLiteral("/CN=127.0.0.1")},
        {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
         QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
         QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
         QStringLiteral("-out"), QStringLiteral("server.crt"), QStringLiteral("-days"),
         QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("san.cnf")},
    };
    for (const QStringList &step : steps) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(tls);
        p.start(QStringLiteral("openssl"), step);
        if (!p.waitForFinished(60000) || p.exitCode() != 0) {
            m_error = u"openssl failed: " + QString::fromLocal8Bit(p.readAll());
            return false;
        }
    }
    // The server reads its key only when it is its owner's alone.
    QFile::setPermissions(tls + u"/server.key", QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (geteuid() == 0)
        QProcess::execute(QStringLiteral("chown"),
                          {QStringLiteral("-R"), QStringLiteral("postgres:"), tls});
    m_serverOptions = u" -c ssl=on -c ssl_cert_file=" + tls + u"/server.crt -c ssl_key_file=" +
                      tls + u"/server.key";
    return stop() && start();
}

bool PostgresCluster::psql(const QStringList &arguments)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("psql"),
            QStringList{QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                        QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"),
                        QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(m_port),
                        QStringLiteral("-U"), QStringLiteral("warroom"),
                        QStringLiteral("warroom")} +
                arguments);
    const bool done =
        p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!done)
        m_error = u"psql failed: " + QString::fromLocal8Bit(p.readAll()).trimmed();
    return done;
}

QString PostgresCluster::startReplica(const QString &incident)
{
    m_replicaData = m_dir.filePath(QStringLiteral("replica"));
    m_replicaPort = freePort();
    if (!run({kBin + u"pg_basebackup", QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
              QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-U"),
              QStringLiteral("warroom"), QStringLiteral("-D"), m_replicaData, QStringLiteral("-R"),
              QStringLiteral("-X"), QStringLiteral("stream"), QStringLiteral("-c"),
              QStringLiteral("fast")}))
        return {};
    const QString options = u"-p " + QString::number(m_replicaPort) + u" -k " + m_dir.path() +
                            u" -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on";
    if (!run({kBin + u"pg_ctl", QStringLiteral("-D"), m_replicaData, QStringLiteral("-o"), options,
              QStringLiteral("-l"), m_dir.filePath(QStringLiteral("replica.log")),
              QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("120"),
              QStringLiteral("start")}))
        return {};
    return u"postgresql://127.0.0.1:" + QString::number(m_replicaPort) +
           u"/warroom?user=warroom&incident=" + incident;
}

PostgresCluster::~PostgresCluster()
{
    if (!m_replicaData.isEmpty())
        run({kBin + u"pg_ctl", QStringLiteral("-D"), m_replicaData, QStringLiteral("-m"),
             QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")});
    stop();
}

QString PostgresCluster::address(const QString &incident) const
{
    return u"postgresql://127.0.0.1:" + QString::number(m_port) + u"/warroom?user=warroom" +
           (incident.isEmpty() ? QString() : u"&incident=" + incident);
}

} // namespace warroom::test
