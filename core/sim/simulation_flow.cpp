#include "simulation.h"

namespace warroom::sim {

void Simulation::drainQueues()
{
    for (QueueRun &q : m_queues) {
        q.delivered = q.late = 0.0;
        q.maxLatencyMs = kNoValue;
    }
    for (Endpoint &w : m_endpoints) {
        if (w.workerOf < 0 || !nodeUp(w.node) || !m_nodes[size_t(w.node)].inService || !w.healthy)
            continue;
        const QueueSpec &spec = m_scenario.queues[w.workerOf];
        QueueRun &q = m_queues[size_t(w.workerOf)];
        std::vector<int> holders;
        double available = 0.0;
        for (const Call &call : w.calls) {
            if (call.queue != w.workerOf)
                continue;
            for (const Target &t : call.targets) {
                holders.push_back(m_endpoints[size_t(t.endpoint)].node);
                available += m_nodes[size_t(holders.back())].backlogCount;
            }
        }
        const double take = std::min(available, m_nodes[size_t(w.node)].capacity * m_tickSec);
        if (take <= 1e-9)
            continue;
        for (int holder : holders) {
            NodeRun &h = m_nodes[size_t(holder)];
            const double part = take * h.backlogCount / available;
            h.backlogCount -= popFront(h.backlog, part, [&](const Bucket &b, double n) {
                const double latency = double(m_now - b.originMs);
                q.delivered += n;
                if (spec.targetMs > 0 && latency > spec.targetMs)
                    q.late += n;
                q.maxLatencyMs =
                    std::isnan(q.maxLatencyMs) ? latency : std::max(q.maxLatencyMs, latency);
            });
        }
        w.in = take / m_tickSec;
    }
}

double Simulation::surgeFactor() const
{
    double f = 1.0;
    for (const Surge &s : m_surges) {
        if (m_now < s.fromMs)
            continue;
        if (m_now < s.untilMs)
            f *= s.factor;
        else if (s.decayMs > 0 && m_now < s.untilMs + s.decayMs)
            f *= 1.0 + (s.factor - 1.0) * (1.0 - double(m_now - s.untilMs) / s.decayMs);
    }
    return f;
}

void Simulation::offerLoad()
{
    const LoadProfile &load = m_scenario.load;
    m_retried.clear();
    m_newRequests = 0.0;
    m_offered = 0.0;
    if (!load.declared || m_sources.empty())
        return;
    double rate = m_curve.rate(m_now) * surgeFactor();
    if (load.noise > 0)
        rate *= std::max(0.0, 1.0 + load.noise * m_random.normal());
    m_newRequests = rate * m_tickSec;
    if (load.onFailure == FailurePolicy::Retry) {
        const double budget = (load.retryRate > 0 ? load.retryRate : 10.0 * load.rate) * m_tickSec;
        m_upstreamCount -= popFront(m_upstream, budget, [&](const Bucket &b, double n) {
            m_retried.push_back({b.originMs, n});
        });
    }
    double retried = 0.0;
    for (const Bucket &b : m_retried)
        retried += b.count;
    m_offered = m_newRequests + retried;
    for (int s : m_sources) {
        Endpoint &ep = m_endpoints[size_t(s)];
        const double weight = load.share.isEmpty() ? 1.0 : load.share.value(siteOf(ep.node), 0.0);
        ep.in = m_sourceWeightTotal > 0 ? m_offered / m_tickSec * weight / m_sourceWeightTotal : 0;
    }
}

void Simulation::flowForward()
{
    for (int index : m_order) {
        Endpoint &ep = m_endpoints[size_t(index)];
        if (ep.in <= 0.0) {
            ep.accepted = 0.0;
            continue;
        }
        const NodeRun &run = m_nodes[size_t(ep.node)];
        const double limit =
            !nodeUp(ep.node) ? 0.0 : (ep.entry && !ep.source ? run.capacity : kInf);
        ep.accepted = std::min(ep.in, limit);
        for (const Call &call : ep.calls) {
            const double demand = ep.accepted * call.share;
            for (const Target &t : call.targets) {
                Endpoint &target = m_endpoints[size_t(t.endpoint)];
                target.in += demand * t.weight * call.replication;
                if (call.queue >= 0 && call.queue != ep.workerOf) // a worker's calls read
                    target.items += demand * t.weight;
            }
        }
    }
}

void Simulation::flowBackward()
{
    const double timeoutMs = double(m_scenario.simulation.timeoutMs);
    const double serviceMs = m_scenario.simulation.serviceTimeMs;
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        Endpoint &ep = m_endpoints[size_t(*it)];
        const double reject = ep.in > 0.0 ? 1.0 - ep.accepted / ep.in : 0.0;
        double ok = 1.0;
        double answered = 1.0;
        double latency = serviceMs;
        if (ep.entry && !ep.source && ep.in > 0.0) {
            const double utilisation =
                ep.accepted / std::max(1e-9, m_nodes[size_t(ep.node)].capacity);
            latency = serviceMs / std::max(0.05, 1.0 - std::min(utilisation, 1.0));
        }
        for (const Call &call : ep.calls) {
            double downstream = 0.0;
            double weights = 0.0;
            double callLatency = 0.0;
            for (const Target &t : call.targets) {
                const Endpoint &target = m_endpoints[size_t(t.endpoint)];
                downstream += t.weight * target.fail;
                weights += t.weight;
                callLatency +=
                    t.weight * ((1.0 - target.hang) * target.latencyMs + target.hang * timeoutMs);
            }
            const double failed = std::min(1.0, call.directHang + call.directRefuse + downstream);
            ok *= 1.0 - call.share * failed;
            answered *= 1.0 - call.share * call.directHang;
            if (weights > 0.0)
                latency += call.share * callLatency / weights;
        }
        ep.fail = reject + (1.0 - reject) * (1.0 - ok);
        ep.hang = (1.0 - reject) * (1.0 - answered);
        ep.errors = ep.in * std::max(0.0, ep.fail - ep.hang);
        ep.latencyMs = latency;
    }
}

void Simulation::settleSources()
{
    m_failed = 0.0;
    if (m_offered <= 0.0)
        return;
    double failedShare = 0.0;
    double weight = 0.0;
    for (int s : m_sources) {
        const Endpoint &ep = m_endpoints[size_t(s)];
        failedShare += ep.in * ep.fail;
        weight += ep.in;
    }
    failedShare = weight > 0 ? failedShare / weight : 0.0;
    m_failed = m_offered * failedShare;
    if (m_scenario.load.onFailure != FailurePolicy::Retry || failedShare <= 0.0)
        return;
    // Failed retries go back to the front in their order, new failures to the back.
    for (auto it = m_retried.rbegin(); it != m_retried.rend(); ++it) {
        const double n = it->count * failedShare;
        if (n > 1e-9) {
            if (!m_upstream.empty() && m_upstream.front().originMs == it->originMs)
                m_upstream.front().count += n;
            else
                m_upstream.push_front({it->originMs, n});
            m_upstreamCount += n;
        }
    }
    pushBack(m_upstream, m_now, m_newRequests * failedShare);
    m_upstreamCount += m_newRequests * failedShare;
}

void Simulation::storeItems()
{
    if (m_offered <= 0.0)
        return;
    for (Endpoint &ep : m_endpoints) {
        if (ep.holds < 0 || ep.items <= 0.0)
            continue;
        NodeRun &run = m_nodes[size_t(ep.node)];
        const double items = ep.items * m_tickSec;
        // Stored items keep the age of the requests that carried them.
        for (const Bucket &b : m_retried)
            pushBack(run.backlog, b.originMs, items * b.count / m_offered);
        pushBack(run.backlog, m_now, items * m_newRequests / m_offered);
        run.backlogCount += items;
    }
}

} // namespace warroom::sim
