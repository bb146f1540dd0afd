#pragma once

#include <QtGlobal>

#include <algorithm>
#include <utility>
#include <vector>

namespace warroom::sim {

// A ratio of two sums over the last few ticks, as a rate over a range in an alerting rule
// (rate(errors[1m]) / rate(requests[1m])): one noisy tick neither fires an alert nor resolves it.
class SlidingRatio
{
public:
    // The ticks a window of `windowMs` holds (at least one), for add().
    static int ticksOf(qint64 windowMs, qint64 tickMs)
    {
        return int(
            std::clamp<qint64>((windowMs + tickMs - 1) / std::max<qint64>(1, tickMs), 1, 1 << 20));
    }
    // This tick's part and whole; the window holds the last `ticks` of them.
    void add(double part, double whole, int ticks)
    {
        if (m_ticks.size() != size_t(std::max(1, ticks))) {
            m_ticks.assign(size_t(std::max(1, ticks)), {0.0, 0.0});
            clear();
        }
        m_ticks[m_next] = {part, whole};
        m_next = (m_next + 1) % m_ticks.size();
        // Summed afresh (a window is tens of ticks): a running sum would leave rounding
        // crumbs once the traffic stops, and crumb over crumb is any ratio.
        m_parts = m_whole = 0.0;
        for (const auto &[p, w] : m_ticks) {
            m_parts += p;
            m_whole += w;
        }
    }
    void clear()
    {
        std::fill(m_ticks.begin(), m_ticks.end(), std::pair{0.0, 0.0});
        m_next = 0;
        m_parts = m_whole = 0.0;
    }
    double ratio() const { return m_whole > 1e-12 ? std::max(0.0, m_parts) / m_whole : 0.0; }

private:
    std::vector<std::pair<double, double>> m_ticks;
    size_t m_next = 0;
    double m_parts = 0.0;
    double m_whole = 0.0;
};

} // namespace warroom::sim
