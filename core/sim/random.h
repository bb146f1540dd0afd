#pragma once

#include <QtGlobal>

#include <cmath>

namespace warroom {

// A small, fast generator whose sequence is the same on every platform and library version
// (std::uniform_real_distribution is not), so a seed names one recording everywhere.
class Random
{
public:
    explicit Random(quint64 seed)
        : m_state(seed)
    {}

    quint64 next() // splitmix64
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; } // [0, 1)
    int below(int n) { return int(uniform() * n); }
    double normal() // Box-Muller, one value per call
    {
        const double u = 1.0 - uniform();
        const double v = uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
    }

private:
    quint64 m_state;
};

} // namespace warroom
