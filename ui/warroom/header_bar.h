#pragma once

#include "core/replay/service_status.h"

#include <QWidget>

namespace warroom {

class ReplaySession;

// The window's first two lines: the recording's title with the live source's health, and the
// service's state at the cursor (ok, degraded, outage, recovering) in colour and words with
// since when and why. Painted, elided, never wrapped: its height never changes.
class HeaderBar : public QWidget
{
    Q_OBJECT

public:
    explicit HeaderBar(const ReplaySession *session, QWidget *parent = nullptr);

    // Reads the session again (once per frame).
    void refresh();
    void setListeningPort(quint16 port) { m_port = port; }
    // What opening or simulating is doing, or why it failed: shown instead of the recording's
    // title and state until clearMessage() (a recording opened).
    void setMessage(const QString &title, const QString &message);
    void clearMessage();

    const ServiceStatus &status() const { return m_status; }
    QString stateText() const; // "OUTAGE since 2020-05-25 08:48:40 (2m10s): dc3/app-4 -> ..."
    QString liveText() const;  // "● LIVE · last data 3s ago", a warning, or empty
    bool liveWarning() const { return m_liveWarning; }
    // "monitoring blind to auth-1, auth-2 since 15:30 UTC" (its own chip), or empty.
    const QString &monitoringText() const { return m_monitoring; }
    // What is wrong with the file itself: "⚠ recording damaged: …" or "read-only: …", or empty.
    const QString &fileText() const { return m_file; }
    QString text() const; // both lines, as plain text
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {200, sizeHint().height()}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const ReplaySession *m_session;
    quint16 m_port = 0;
    QString m_title;        // the recording's
    QString m_messageTitle; // ... or what is being done instead
    QString m_message;
    ServiceStatus m_status;
    QString m_live;
    bool m_liveWarning = false;
    QString m_monitoring;
    QString m_file;
    bool m_fileWarning = false;
    QString m_context; // "9 outages in the recording (58m30s)"
};

} // namespace warroom
