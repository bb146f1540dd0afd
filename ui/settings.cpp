#include "settings.h"
#include "core/store/shared_address.h"

#include <QFileInfo>
#include <QSettings>

namespace warroom::settings {

QStringList recentFiles()
{
    QStringList files = QSettings().value(QLatin1StringView(kRecentFiles)).toStringList();
    files.removeIf([](const QString &f) { return !isSharedAddress(f) && !QFileInfo::exists(f); });
    return files;
}

void addRecentFile(const QString &path)
{
    QStringList files = QSettings().value(QLatin1StringView(kRecentFiles)).toStringList();
    const QString absolute = isSharedAddress(path) ? path : QFileInfo(path).absoluteFilePath();
    files.removeAll(absolute);
    files.prepend(absolute);
    QSettings().setValue(QLatin1StringView(kRecentFiles), files.mid(0, kMaxRecentFiles));
}

} // namespace warroom::settings
