#pragma once

#include <QWidget>

class QLabel;
class QTableWidget;

namespace warroom {

class ReachabilityEngine;

// The selected node's hops at the cursor, each with its verdict and why (the rule with its
// place, the cut, the node down): what the map's tooltips say, readable without a mouse.
class DetailsPane : public QWidget
{
    Q_OBJECT

public:
    explicit DetailsPane(QWidget *parent = nullptr);

    // The hops of `node` in `engine`'s state (null or empty node: nothing selected).
    void showHops(const ReachabilityEngine *engine, const QString &node);
    // The hops of several nodes (a role chip's), under `name`.
    void showHops(const ReachabilityEngine *engine, const QStringList &nodes, const QString &name);
    QStringList rows() const; // "-> dc1/cache-1:6379 blocked: blocked by rule dc3-egress (...)"

private:
    QLabel *m_title;
    QTableWidget *m_hops;
};

} // namespace warroom
