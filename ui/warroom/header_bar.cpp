#include "header_bar.h"

#include "ui/palette.h"

#include "core/replay/monitoring_status.h"
#include "core/replay/replay_session.h"
#include "core/store/shared_address.h"
#include "core/util/duration.h"

#include <QDateTime>
#include <QMap>
#include <QPainter>

namespace warroom {

namespace {

constexpr qint64 kSilentAfterMs = 15000; // a live feed with nothing new this long is "silent"

QString upper(ServiceState state)
{
    return toString(state).toUpper();
}

// What a live source says is wrong with it at `timeMs`: each server that cannot be asked
// (until it answers again), and, for good, the label values that name nothing and the queries
// refused. Empty when all is well.
QString sourceProblem(const ReplayData &data, qint64 timeMs, qint64 *sinceMs)
{
    QMap<QString, Event> down; // by server
    QStringList unmatched, refused;
    qint64 since = -1;
    for (const Event &e : data.sourceEvents) {
        if (e.timeMs > timeMs)
            break;
        const QString problem = e.details.value(QStringLiteral("problem")).toString();
        const QString server = e.details.value(QStringLiteral("server")).toString();
        if (problem == u"unmatched") {
            unmatched.append(e.details.value(QStringLiteral("label")).toString() + u"=" +
                             e.details.value(QStringLiteral("value")).toString());
        } else if (problem == u"refused") {
            refused.append(e.details.value(QStringLiteral("query")).toString());
        } else if (problem == u"answers" || e.text.contains(u"answers again")) {
            down.remove(server);
            continue;
        } else {
            down.insert(server, e);
            continue;
        }
        since = since < 0 ? e.timeMs : since;
    }
    QStringList parts;
    for (const Event &e : std::as_const(down)) {
        parts.append(e.text);
        since = since < 0 ? e.timeMs : std::min(since, e.timeMs);
    }
    if (!unmatched.isEmpty())
        parts.append(QObject::tr("label values naming nothing in the scenario: %1")
                         .arg(unmatched.join(QStringLiteral(", "))));
    if (!refused.isEmpty())
        parts.append(QObject::tr("queries refused: %1").arg(refused.join(QStringLiteral(", "))));
    *sinceMs = since;
    return parts.join(QStringLiteral("; "));
}

} // namespace

HeaderBar::HeaderBar(const ReplaySession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_messageTitle = tr("No recording");
}

QSize HeaderBar::sizeHint() const
{
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    return {800, QFontMetrics(big).height() + fontMetrics().height() + 14};
}

void HeaderBar::setMessage(const QString &title, const QString &message)
{
    m_messageTitle = title.isEmpty() ? m_messageTitle : title;
    m_message = message;
    update();
}

void HeaderBar::clearMessage()
{
    m_messageTitle.clear();
    m_message.clear();
    update();
}

void HeaderBar::refresh()
{
    const std::shared_ptr<const ReplayData> &data = m_session->data();
    if (!data)
        return;
    const qint64 t = m_session->time();
    m_title = data->title.isEmpty() ? data->name : data->title;
    m_status = serviceStatusAt(*data, t);
    const RecordingSummary &s = data->summary;
    m_context =
        s.outages.isEmpty()
            ? tr("no outage in the recording")
            : (s.outages.size() == 1 ? tr("1 outage in the recording (%1)")
                                     : tr("%1 outages in the recording (%2)").arg(s.outages.size()))
                  .arg(formatDuration(s.outageMs()));

    const LiveHealth health = m_session->liveHealth();
    m_live.clear();
    m_liveWarning = false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QString liveWhy; // the chip's detail, on hover (a chip is short, and elided)
    if (!health.connectionLost.isEmpty()) {
        m_liveWarning = true;
        m_live = tr("⚠ database unreachable — reconnecting; showing what was read");
        liveWhy = health.connectionLost.section(u'\n', 0, 0);
    } else if (health.writerStopped && health.diskFull()) {
        m_liveWarning = true;
        m_live = tr("⚠ no data since %1 UTC: the disk holding the recording is full — its writer "
                    "waits for space")
                     .arg(formatUtc(health.writerLastSeenMs).mid(11));
        liveWhy = tr("%1 KiB free where %2 is written; free some space and it goes on (nothing "
                     "acknowledged is lost)")
                      .arg(health.diskFreeBytes / 1024)
                      .arg(data->path);
    } else if (health.writerStopped) {
        m_liveWarning = true;
        m_live = tr("⚠ its writer stopped unexpectedly (last seen %1 UTC, by this computer's "
                    "clock): the recording ends there")
                     .arg(formatUtc(health.writerLastSeenMs));
    } else if (health.live) {
        qint64 problemSince = 0;
        const QString problem = sourceProblem(*data, t, &problemSince);
        const qint64 age = health.lastDataWallMs > 0 ? now - health.lastDataWallMs : -1;
        if (!problem.isEmpty()) {
            m_liveWarning = true;
            m_live = tr("⚠ since %1: %2").arg(formatUtc(problemSince).mid(11), problem);
        } else if (age > kSilentAfterMs) {
            m_liveWarning = true;
            m_live = tr("⚠ feed silent for %1").arg(formatDuration(age / 1000 * 1000));
        } else {
            m_live =
                m_session->following() ? tr("● LIVE") : tr("live, scrubbed back (Ctrl+L returns)");
            if (age >= 0)
                m_live += tr(" · last data %1 ago").arg(formatDuration(age / 1000 * 1000));
        }
        if (m_port)
            m_live += tr(" · listening on 127.0.0.1:%1").arg(m_port);
        if (data->unhidden)
            m_live += tr(" · drill: rule names hidden until revealed");
    } else if (data->heartbeatMs > 0 || data->live) {
        m_live = tr("ended");
    }
    // Monitoring that could not see or page: what the responders did not know at the time.
    m_monitoring = monitoringStatusAt(*data, t).text();
    // The file itself: damage found in it, or that nothing can be saved in it.
    const QStringList damage = m_session->damage();
    QString fileWhy;
    m_file.clear();
    m_fileWarning = !damage.isEmpty();
    if (!damage.isEmpty()) {
        m_file = damage.size() == 1
                     ? tr("⚠ recording damaged: 1 part left out")
                     : tr("⚠ recording damaged: %1 parts left out").arg(damage.size());
        fileWhy =
            damage.mid(0, 12).join(u'\n') +
            (damage.size() > 12 ? tr("\n… (warroom-cli verify lists everything)") : QString());
    }
    // Damaged and read-only: both said, the damage first.
    if (!isSharedAddress(data->path) && !data->postMortemsReadOnly.isEmpty()) {
        const QString readOnly = tr("read-only: nothing saved (File ▸ Save a copy as…)");
        m_file = m_file.isEmpty() ? readOnly : m_file + u" · " + readOnly;
        fileWhy = fileWhy.isEmpty() ? data->postMortemsReadOnly
                                    : data->postMortemsReadOnly + u'\n' + fileWhy;
    }
    // The chips are elided: their whole text on hover.
    QStringList tips;
    if (!m_file.isEmpty())
        tips.append(m_file + u'\n' + fileWhy);
    if (m_liveWarning)
        tips.append(liveWhy.isEmpty() ? m_live : m_live + u" (" + liveWhy + u')');
    if (!m_monitoring.isEmpty())
        tips.append(tr("⚠ %1").arg(m_monitoring));
    setToolTip(tips.join(u'\n'));
    update();
}

QString HeaderBar::stateText() const
{
    if (!m_session->data() || !m_message.isEmpty() || !m_messageTitle.isEmpty())
        return m_message;
    QString text = upper(m_status.state);
    const qint64 t = m_session->time();
    if (m_status.state != ServiceState::Ok && m_status.sinceMs >= 0)
        text += tr(" since %1 UTC (%2)")
                    .arg(formatUtc(m_status.sinceMs), formatDuration(t - m_status.sinceMs));
    if (!m_status.why.isEmpty())
        text += u": " + m_status.why;
    else if (m_status.state == ServiceState::Ok)
        text += u" · " + m_context;
    return text;
}

QString HeaderBar::liveText() const
{
    return m_live;
}

QString HeaderBar::text() const
{
    const QString title = m_messageTitle.isEmpty() ? m_title : m_messageTitle;
    return title + (m_file.isEmpty() ? QString() : u"  " + m_file) +
           (m_monitoring.isEmpty() ? QString() : tr("  ⚠ %1").arg(m_monitoring)) +
           (m_live.isEmpty() ? QString() : u"  " + m_live) + u'\n' + stateText();
}

void HeaderBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    const QFontMetrics bigMetrics(big);
    const int w = width();
    int y = 4;
    // Line 1: the title; at the right the live source's health, and left of it what the
    // monitoring could not see (each elided on its own, the live one first).
    QFont boldLine = font();
    boldLine.setBold(true);
    const QFontMetrics chipMetrics(boldLine);
    int rightEdge = w;
    auto drawChip = [&](const QString &text, int maxWidth, bool warning, const QColor &pen) {
        const QString shown = chipMetrics.elidedText(text, Qt::ElideRight, maxWidth - 16);
        const int width = chipMetrics.horizontalAdvance(shown) + 16;
        const QRect box(rightEdge - width, y + (bigMetrics.height() - chipMetrics.height()) / 2 - 2,
                        width, chipMetrics.height() + 4);
        if (warning) {
            p.setPen(Qt::NoPen);
            p.setBrush(okabeIto::orange);
            p.drawRoundedRect(box, 4, 4);
        }
        p.setFont(boldLine);
        p.setPen(pen);
        p.drawText(box, Qt::AlignCenter, shown);
        rightEdge -= width + 8;
    };
    if (!m_live.isEmpty())
        drawChip(m_live, w / 2, m_liveWarning,
                 m_liveWarning            ? QColor(Qt::black)
                 : m_session->following() ? okabeIto::vermillion
                                          : palette().color(QPalette::WindowText));
    if (!m_monitoring.isEmpty())
        drawChip(tr("⚠ %1").arg(m_monitoring), std::max(120, rightEdge / 2), true,
                 QColor(Qt::black));
    if (!m_file.isEmpty())
        drawChip(m_file, std::max(120, rightEdge / 2), m_fileWarning,
                 m_fileWarning ? QColor(Qt::black) : palette().color(QPalette::WindowText));
    const int liveWidth = w - rightEdge;
    p.setFont(big);
    p.setPen(palette().color(QPalette::WindowText));
    const QString title = m_messageTitle.isEmpty() ? m_title : m_messageTitle;
    p.drawText(QRect(0, y, w - liveWidth - 8, bigMetrics.height()),
               Qt::AlignLeft | Qt::AlignVCenter,
               bigMetrics.elidedText(title, Qt::ElideRight, w - liveWidth - 8));
    y += bigMetrics.height() + 4;

    // Line 2: the state in a coloured chip, then since when and why.
    const QFontMetrics fm(font());
    const int h = fm.height() + 4;
    if (!m_session->data() || !m_messageTitle.isEmpty() || !m_message.isEmpty()) {
        p.setFont(font());
        p.drawText(QRect(0, y, w, h), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(m_message, Qt::ElideRight, w));
        return;
    }
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    const QString state = upper(m_status.state);
    const QRect chip(0, y, boldMetrics.horizontalAdvance(state) + 16, h);
    p.setPen(Qt::NoPen);
    p.setBrush(serviceStateColor(m_status.state));
    p.drawRoundedRect(chip, 4, 4);
    p.setFont(bold);
    p.setPen(m_status.state == ServiceState::Degraded ? QColor(Qt::black) : QColor(Qt::white));
    p.drawText(chip, Qt::AlignCenter, state);
    p.setFont(font());
    p.setPen(palette().color(QPalette::WindowText));
    const QString rest = stateText().mid(state.size()).trimmed();
    const QRect after(chip.right() + 8, y, w - chip.right() - 8, h);
    p.drawText(after, Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(rest, Qt::ElideRight, after.width()));
}

} // namespace warroom
