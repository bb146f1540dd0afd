#include "numbers.h"

#include <QLocale>

#include <cmath>

namespace warroom {

QString formatCount(double value)
{
    static const QLocale english(QLocale::English);
    return english.toString(qint64(std::llround(value)));
}

} // namespace warroom
