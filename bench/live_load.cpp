#include "live_load.h"

#include <QHostAddress>
#include <QTcpSocket>

#include <algorithm>

namespace warroom::bench {

PacedFeed::PacedFeed(quint16 port, int rate, qint64 firstMs)
{
    m_thread = std::thread([this, port, rate, firstMs] {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        socket.waitForConnected(5000);
        const int perBatch = std::max(1, rate / 100);
        QElapsedTimer clock;
        clock.start();
        qint64 n = 0;
        QByteArray replies;
        while (!m_stop) {
            const qint64 due = clock.elapsed() * rate / 1000;
            // The lines feed::eventLine writes, formatted here without a JSON document: the
            // sender is not what is measured, and must not starve what is.
            QByteArray batch;
            batch.reserve(perBatch * 110);
            for (int i = 0; i < perBatch && n < due; ++i, ++n) {
                batch += R"({"kind":"annotation","subject":"probe","text":"event )";
                batch += QByteArray::number(n);
                batch += R"(","time_ms":)";
                batch += QByteArray::number(firstMs + n);
                batch += R"(,"type":"event"})"
                         "\n";
            }
            if (!batch.isEmpty())
                socket.write(batch);
            m_sent = n;
            socket.waitForBytesWritten(5);
            if (socket.waitForReadyRead(1)) {
                replies += socket.readAll();
                const qsizetype last = replies.lastIndexOf("{\"ack\":");
                if (last >= 0) {
                    const qsizetype end = replies.indexOf('}', last);
                    if (end > 0)
                        m_acked = replies.mid(last + 7, end - last - 7).toLongLong();
                    replies.remove(0, last);
                }
            }
        }
        socket.waitForBytesWritten(5000);
    });
}

PacedFeed::~PacedFeed()
{
    stop();
}

void PacedFeed::stop()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

LatenessProbe::LatenessProbe()
{
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(5);
    QObject::connect(&m_tick, &QTimer::timeout, [this] {
        if (m_since.isValid())
            m_late.push_back(std::max(0.0, double(m_since.nsecsElapsed()) / 1e6 - 5.0));
        m_since.restart();
    });
    m_tick.start();
}

double quantile(std::vector<double> values, double q)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    return values[size_t(double(values.size() - 1) * q)];
}

} // namespace warroom::bench
