// The war room's File ▸ Save a copy as…: the way on from a read-only (or damaged) file.
#include "recording_window.h"
#include "warroom/header_bar.h"

#include "core/replay/replay_session.h"
#include "core/store/recording_copy.h"
#include "core/store/shared_address.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

namespace warroom {

void RecordingWindow::saveCopyAs()
{
    const auto &data = m_session->data();
    if (!data || isSharedAddress(data->path))
        return;
    const QFileInfo file(data->path);
    const QString suggested =
        QFileInfo(file.absolutePath()).isWritable() && file.isWritable()
            ? QString(file.absolutePath() + u'/' + file.completeBaseName() + u"-copy.warroom")
            : QString(QDir::homePath() + u'/' + file.fileName());
    const QString path = QFileDialog::getSaveFileName(this, tr("Save a copy of the recording"),
                                                      suggested, tr("Recordings (*.warroom)"));
    if (!path.isEmpty())
        saveCopyTo(path);
}

void RecordingWindow::saveCopyTo(const QString &path)
{
    const auto &data = m_session->data();
    if (!data || isSharedAddress(data->path))
        return;
    m_header->setMessage(tr("Saving a copy as %1…").arg(QFileInfo(path).fileName()), {});
    m_copying.run(
        [from = data->path, path, layout = m_layout](const JobControl &) {
            const auto saved = saveRecordingCopy(from, path, layout);
            return saved ? QString() : saved.errors().first().toString();
        },
        [this, path](const QString &error) {
            Q_EMIT copySaved(path, error);
            if (!error.isEmpty()) {
                m_header->setMessage(tr("Could not save a copy"), error);
                QMessageBox::warning(this, tr("Could not save a copy"), error);
                m_header->clearMessage();
                return;
            }
            openFile(path);
        });
}

} // namespace warroom
