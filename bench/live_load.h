#pragma once

// What the live-window benchmarks share: a client that feeds an ingest server at a steady rate
// from its own thread, and a probe of how late the GUI thread runs a 5 ms timer.
#include <QElapsedTimer>
#include <QTimer>

#include <atomic>
#include <thread>
#include <vector>

namespace warroom::bench {

// Sends `rate` annotation events a second (in 10 ms batches) to 127.0.0.1:port, their times
// from `firstMs` on, until destroyed; reads the server's acknowledgements.
class PacedFeed
{
public:
    PacedFeed(quint16 port, int rate, qint64 firstMs);
    ~PacedFeed(); // stops and joins
    void stop();
    qint64 sent() const { return m_sent; }
    qint64 acked() const { return m_acked; }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<qint64> m_sent{0};
    std::atomic<qint64> m_acked{0};
    std::thread m_thread;
};

// How late a 5 ms timer on the thread that creates it fires, in milliseconds, every tick.
class LatenessProbe
{
public:
    LatenessProbe();
    const std::vector<double> &late() const { return m_late; }

private:
    std::vector<double> m_late;
    QElapsedTimer m_since;
    QTimer m_tick;
};

// The q-quantile (0..1) of the values, 0 when there are none.
double quantile(std::vector<double> values, double q);

} // namespace warroom::bench
