#pragma once

#include <algorithm>
#include <utility>
#include <vector>

namespace warroom::sim {

// A ratio of two sums over the last few ticks, as a rate over a range in an alerting rule
// (rate(errors[1m]) / rate(requests[1m])): one noisy tick neither fires an alert nor resolves it.
class SlidingRatio
{
public:
    // This tick's part and whole; the window holds the last `ticks` of them.
    void add(double part, double whole, int ticks)
    {
        if (m_ticks.size() != size_t(std::max(1, ticks))) {
            m_ticks.assign(size_t(std::max(1, ticks)), {0.0, 0.0});
            clear();
        }
        auto &[oldPart, oldWhole] = m_ticks[m_next];
        m_parts += part - oldPart;
        m_whole += whole - oldWhole;
        m_ticks[m_next] = {part, whole};
        m_next = (m_next + 1) % m_ticks.size();
        if (m_next == 0) { // once per window the sums afresh, so that no rounding builds up
            m_parts = m_whole = 0.0;
            for (const auto &[p, w] : m_ticks) {
                m_parts += p;
                m_whole += w;
            }
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
