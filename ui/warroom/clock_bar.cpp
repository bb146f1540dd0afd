#include "clock_bar.h"

#include "ui/settings.h"

#include "core/replay/go_to.h"
#include "core/replay/replay_session.h"
#include "core/util/duration.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QSlider>
#include <QToolButton>
#include <QToolTip>

#include <algorithm>

namespace warroom {

namespace {

constexpr int kSliderSteps = 10000;

} // namespace

const QList<double> &ClockBar::speeds()
{
    static const QList<double> all = {1, 10, 60, 300, 1000, 3600, 10000, 100000};
    return all;
}

ClockBar::ClockBar(ReplaySession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    auto *previous = new QToolButton;
    previous->setText(tr("◀ event"));
    previous->setToolTip(tr("Previous event of those the log shows (Ctrl+Left)"));
    m_play = new QToolButton;
    m_play->setToolTip(tr("Play or pause (Space)"));
    // As wide as its widest text: Play and Pause do not shift their neighbours.
    m_play->setText(tr("▶ Play"));
    const int playWidth = std::max(m_play->sizeHint().width(),
                                   m_play->fontMetrics().horizontalAdvance(tr("❚❚ Pause")) + 16);
    m_play->setFixedWidth(playWidth);
    auto *next = new QToolButton;
    next->setText(tr("event ▶"));
    next->setToolTip(tr("Next event of those the log shows: filter the log by kind to step by "
                        "kind (Ctrl+Right)"));
    m_speed = new QComboBox;
    const QLocale locale;
    for (double s : speeds())
        m_speed->addItem(locale.toString(qint64(s)) + u'×', s);
    m_speed->setToolTip(tr("Simulated time per real second (Ctrl+[ and Ctrl+] change it)"));
    m_skipQuiet = new QCheckBox(tr("skip quiet"));
    m_skipQuiet->setToolTip(tr("While playing, jump over stretches in which nothing was recorded"));
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setRange(0, kSliderSteps);
    m_slider->setMinimumWidth(80);
    m_clock = new QLabel;
    QFont mono = m_clock->font();
    mono.setFamily(QStringLiteral("monospace"));
    m_clock->setFont(mono);
    m_clock->setFixedWidth(
        QFontMetrics(mono).horizontalAdvance(QStringLiteral("Mon 2020-05-25 08:48:40 UTC")) + 8);
    m_live = new QToolButton;
    m_live->setText(tr("● LIVE"));
    m_live->setCheckable(true);
    m_live->setToolTip(tr("Follow the live end of the recording (Ctrl+L)"));
    m_live->setVisible(false);
    m_goTo = new QLineEdit;
    m_goTo->setPlaceholderText(tr("go to: 16:10, +5m, ISO time"));
    m_goTo->setToolTip(tr("Ctrl+G. Type %1. Enter goes, Escape leaves.").arg(goToHelp()));
    m_goTo->setFixedWidth(200);
    for (QWidget *w : {static_cast<QWidget *>(previous), static_cast<QWidget *>(m_play),
                       static_cast<QWidget *>(next), static_cast<QWidget *>(m_speed),
                       static_cast<QWidget *>(m_skipQuiet)})
        row->addWidget(w);
    row->addWidget(m_slider, 1);
    row->addWidget(m_clock);
    row->addWidget(m_live);
    row->addWidget(m_goTo);

    connect(previous, &QToolButton::clicked, this, [this] { Q_EMIT stepRequested(-1); });
    connect(next, &QToolButton::clicked, this, [this] { Q_EMIT stepRequested(+1); });
    connect(m_play, &QToolButton::clicked, this,
            [this] { m_session->setPlaying(!m_session->playing()); });
    connect(m_speed, &QComboBox::activated, this, [this](int i) {
        m_session->setSpeed(m_speed->itemData(i).toDouble());
        QSettings().setValue(QLatin1StringView(settings::kRecordingSpeed), m_session->speed());
    });
    connect(m_skipQuiet, &QCheckBox::toggled, m_session, &ReplaySession::setSkipQuiet);
    connect(m_slider, &QSlider::sliderMoved, this, [this](int value) {
        if (const auto &data = m_session->data())
            m_session->seek(data->startMs +
                            qint64(double(data->endMs - data->startMs) * value / kSliderSteps));
    });
    connect(m_live, &QToolButton::clicked, this, [this] { m_session->setFollowing(true); });
    connect(m_goTo, &QLineEdit::returnPressed, this, [this] {
        if (goTo(m_goTo->text()))
            Q_EMIT finished();
    });
    connect(m_goTo, &QLineEdit::textEdited, this, [this] {
        m_goTo->setStyleSheet({});
        m_goToError.clear();
    });
    m_session->setSpeed(
        QSettings().value(QLatin1StringView(settings::kRecordingSpeed), 60.0).toDouble());
    refresh();
}

void ClockBar::focusGoTo()
{
    m_goTo->setFocus(Qt::ShortcutFocusReason);
    m_goTo->selectAll();
}

bool ClockBar::goTo(const QString &text)
{
    const auto &data = m_session->data();
    if (!data)
        return false;
    const Result<qint64> at = parseGoTo(text, m_session->time(), data->startMs, data->endMs);
    if (!at) {
        m_goToError = at.errors().first().message;
        m_goTo->setStyleSheet(QStringLiteral("border: 2px solid #D55E00"));
        QToolTip::showText(m_goTo->mapToGlobal(QPoint(0, m_goTo->height())), m_goToError, m_goTo);
        return false;
    }
    m_goToError.clear();
    m_goTo->setStyleSheet({});
    m_session->seek(at.value());
    return true;
}

void ClockBar::refresh()
{
    const auto &data = m_session->data();
    m_play->setText(m_session->playing() ? tr("❚❚ Pause") : tr("▶ Play"));
    const int speedIndex = m_speed->findData(m_session->speed());
    if (speedIndex >= 0 && speedIndex != m_speed->currentIndex())
        m_speed->setCurrentIndex(speedIndex);
    if (m_skipQuiet->isChecked() != m_session->skipQuiet())
        m_skipQuiet->setChecked(m_session->skipQuiet());
    if (!data)
        return;
    const qint64 t = m_session->time();
    m_clock->setText(formatUtc(t, QStringLiteral("ddd yyyy-MM-dd HH:mm:ss")) + u" UTC");
    if (!m_slider->isSliderDown())
        // (Following live, the clock runs past a short recording's end: the slider's end.)
        m_slider->setValue(int(
            kSliderSteps * std::clamp(double(t - data->startMs) /
                                          double(std::max<qint64>(1, data->endMs - data->startMs)),
                                      0.0, 1.0)));
    // Shown for as long as the file says it is live; a writer that died leaves it in its place,
    // disabled, so that nothing beside it shifts.
    const bool live = m_session->liveHealth().live;
    m_live->setVisible(data->live);
    m_live->setEnabled(live);
    m_live->setText(live || !data->live ? tr("● LIVE") : tr("■ ENDED"));
    m_live->setChecked(m_session->following());
}

} // namespace warroom
