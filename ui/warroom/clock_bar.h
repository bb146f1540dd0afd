#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;
class QToolButton;

namespace warroom {

class ReplaySession;

// The clock: previous and next event, play and pause, the speed (up to 100,000×, and skipping
// quiet stretches), a slider over the whole recording, the cursor's time, following a live
// recording, and a go-to field. It sends intents to the session and redraws once per frame.
class ClockBar : public QWidget
{
    Q_OBJECT

public:
    static const QList<double> &speeds(); // those the speed box offers

    explicit ClockBar(ReplaySession *session, QWidget *parent = nullptr);

    void refresh(); // reads the session again (once per frame)
    // Puts the caret in the go-to field, its text selected (Ctrl+G).
    void focusGoTo();
    // Moves the cursor to a typed time; false (and the field says why) when it is not one.
    bool goTo(const QString &text);
    QString goToError() const { return m_goToError; }
    QLineEdit *goToField() const { return m_goTo; }

Q_SIGNALS:
    void stepRequested(int direction); // to the previous (-1) or next (+1) event the log shows
    void finished();                   // a go-to was done: focus may go back to the map

private:
    ReplaySession *m_session;
    QToolButton *m_play;
    QComboBox *m_speed;
    QCheckBox *m_skipQuiet;
    QSlider *m_slider;
    QLabel *m_clock;
    QToolButton *m_live;
    QLineEdit *m_goTo;
    QString m_goToError;
};

} // namespace warroom
