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
    m_offered = 0.0;
    const double surge = surgeFactor();
    for (LoadRun &load : m_loads) {
        const LoadProfile &profile = *load.profile;
        load.retried.clear();
        load.newRequests = 0.0;
        load.offered = 0.0;
        if (load.sources.empty())
            continue;
        double rate = load.curve.rate(m_now) * surge;
        if (profile.noise > 0)
            rate *= std::max(0.0, 1.0 + profile.noise * m_random.normal());
        load.newRequests = rate * m_tickSec;
        if (profile.onFailure == FailurePolicy::Retry) {
            const double budget =
                (profile.retryRate > 0 ? profile.retryRate : 10.0 * profile.rate) * m_tickSec;
            load.upstreamCount -= popFront(load.upstream, budget, [&](const Bucket &b, double n) {
                load.retried.push_back({b.originMs, n});
            });
        }
        double retried = 0.0;
        for (const Bucket &b : load.retried)
            retried += b.count;
        load.offered = load.newRequests + retried;
        m_offered += load.offered;
        for (int s : load.sources) {
            Endpoint &ep = m_endpoints[size_t(s)];
            const double weight =
                profile.share.isEmpty() ? 1.0 : profile.share.value(siteOf(ep.node), 0.0);
            if (load.weightTotal > 0)
                ep.in += load.offered / m_tickSec * weight / load.weightTotal;
        }
    }
}

CallMemory &Simulation::callMemory(int node, int dependency)
{
    std::vector<CallMemory> &calls = m_nodes[size_t(node)].calls;
    if (calls.size() <= size_t(dependency))
        calls.resize(size_t(topo().dependencies.size()));
    return calls[size_t(dependency)];
}

double Simulation::attemptsPerRequest(int node, int dependency) const
{
    // 1 + f + f² + … for the retries that fit its deadline, f as the tick before saw it.
    const std::vector<CallMemory> &calls = m_nodes[size_t(node)].calls;
    if (calls.size() <= size_t(dependency))
        return 1.0;
    const CallMemory &m = calls[size_t(dependency)];
    double attempts = 1.0;
    double p = 1.0;
    for (int k = 0; k < m.retries; ++k) {
        p *= m.attemptFail;
        attempts += p;
    }
    return attempts;
}

void Simulation::flowForward()
{
    for (LinkRun &link : m_links)
        link.load = 0.0;
    m_pairLoad.assign(topo().sites.size() * topo().sites.size(), 0.0);
    for (int index : m_order) {
        Endpoint &ep = m_endpoints[size_t(index)];
        if (ep.in <= 0.0) {
            ep.accepted = 0.0;
            continue;
        }
        const NodeRun &run = m_nodes[size_t(ep.node)];
        double limit = !nodeUp(ep.node) ? 0.0 : (ep.entry && !ep.source ? run.capacity : kInf);
        // Little's law: in flight = arrivals × latency; past max_concurrency it refuses.
        if (ep.entry && run.maxConcurrency > 0 && run.latencyMs > 0.0)
            limit = std::min(limit, double(run.maxConcurrency) / (run.latencyMs / 1000.0));
        ep.accepted = std::min(ep.in, limit);
        for (const Call &call : ep.calls) {
            const double demand = ep.accepted * call.share;
            const double attempts = attemptsPerRequest(ep.node, call.dependency);
            for (const Target &t : call.targets) {
                Endpoint &target = m_endpoints[size_t(t.endpoint)];
                const double rate = demand * t.weight * call.replication * attempts;
                // Every attempt loads the links; what they drop never reaches the target. (The
                // links' loss as they settled in the tick before: the flow is one pass.)
                const double delivered =
                    m_linksModelled && t.pair >= 0 ? 1.0 - path(t.pair).loss : 1.0;
                target.in += rate * delivered;
                if (m_linksModelled && t.pair >= 0)
                    loadLinks(t.pair, rate);
                if (call.queue >= 0 && call.queue != ep.workerOf) // a worker's calls read
                    target.items += demand * t.weight * delivered;
            }
        }
    }
    replicate();
    // Each site pair's load onto the links of its route, once per pair rather than per hop.
    const int sites = int(topo().sites.size());
    for (int pair = 0; pair < int(m_pairLoad.size()); ++pair) {
        if (m_pairLoad[size_t(pair)] <= 0.0)
            continue;
        for (int link : m_engine.route(pair / sites, pair % sites).links)
            m_links[size_t(link)].load += m_pairLoad[size_t(pair)];
    }
    settleLinks();
}

int Simulation::sitePair(int fromNode, int toNode) const
{
    const int from = topo().nodes[fromNode].site;
    const int to = topo().nodes[toNode].site;
    return from == to ? -1 : from * int(topo().sites.size()) + to;
}

void Simulation::loadLinks(int pair, double rate)
{
    if (m_linksModelled && pair >= 0)
        m_pairLoad[size_t(pair)] += rate; // onto its links when the flow is done
}

void Simulation::settleLinks()
{
    // Below capacity a link queues more as it fills (M/M/1's u/(1−u), scaled so that its
    // buffer is full at 91 %); past it, the buffer is full and what does not fit is dropped.
    for (int l = 0; l < int(m_links.size()); ++l) {
        LinkRun &run = m_links[size_t(l)];
        const Link &link = topo().links[l];
        double overflow = 0.0;
        run.queueMs = 0.0;
        if (link.capacity > 0.0) {
            const double u = run.load / link.capacity;
            overflow = u > 1.0 ? 1.0 - 1.0 / u : 0.0;
            run.queueMs =
                u >= 1.0 ? link.bufferMs : link.bufferMs * std::min(1.0, u / (10.0 * (1.0 - u)));
        }
        run.loss = 1.0 - (1.0 - link.loss) * (1.0 - overflow);
    }
    ++m_pathStamp;
}

PathState Simulation::path(int pair)
{
    if (pair < 0)
        return {};
    const int sites = int(topo().sites.size());
    const SiteRoute &route = m_engine.route(pair / sites, pair % sites);
    if (!m_linksModelled) // no link has a capacity or a loss: their latency alone
        return {0.0, route.latencyMs};
    if (m_paths.size() != size_t(sites) * size_t(sites)) {
        m_paths.assign(size_t(sites) * size_t(sites), {});
        m_pathTick.assign(m_paths.size(), -1);
    }
    if (m_pathTick[size_t(pair)] == m_pathStamp)
        return m_paths[size_t(pair)];
    PathState state;
    double delivered = 1.0;
    for (int link : route.links) {
        state.delayMs += topo().links[link].latencyMs + m_links[size_t(link)].queueMs;
        delivered *= 1.0 - m_links[size_t(link)].loss;
    }
    state.loss = 1.0 - delivered;
    m_paths[size_t(pair)] = state;
    m_pathTick[size_t(pair)] = m_pathStamp;
    return state;
}

void Simulation::flowBackward()
{
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
            const Dependency &dep = topo().dependencies[call.dependency];
            const double timeoutMs =
                double(dep.timeoutMs > 0 ? dep.timeoutMs : m_scenario.simulation.timeoutMs);
            double downstream = 0.0;
            double pathHang = 0.0; // lost on the way, or answered after the caller gave up
            double weights = 0.0;
            double callLatency = 0.0;
            for (const Target &t : call.targets) {
                const Endpoint &target = m_endpoints[size_t(t.endpoint)];
                const PathState way = t.pair < 0 ? PathState{} : path(t.pair);
                const double mean = target.latencyMs + way.delayMs;
                // Latencies spread about their mean (exponentially): the share slower than
                // the timeout is answered too late.
                // (beyond 40 means the share is below 1e-17: not worth an exp that underflows)
                const double slow =
                    mean > 0.0 && timeoutMs < 40.0 * mean ? std::exp(-timeoutMs / mean) : 0.0;
                const double lost = 1.0 - (1.0 - way.loss) * (1.0 - slow);
                pathHang += t.weight * lost;
                downstream += t.weight * (1.0 - lost) * target.fail;
                weights += t.weight;
                callLatency +=
                    t.weight * ((1.0 - lost) * ((1.0 - target.hang) * std::min(mean, timeoutMs) +
                                                target.hang * timeoutMs) +
                                lost * timeoutMs);
            }
            const double attemptFail =
                std::min(1.0, call.directHang + call.directRefuse + pathHang + downstream);
            const double attemptHang = std::min(1.0, call.directHang + pathHang);
            const double attemptMs = weights > 0.0 ? callLatency / weights : 0.0;
            // Retries: each failed attempt is made again after a growing wait, while attempts
            // and waits fit the deadline; the request fails only if every attempt does.
            const RetryPolicy &policy = dep.retries;
            CallMemory &memory = callMemory(ep.node, call.dependency);
            int retries = 0;
            double retryMs = 0.0; // expected time added by retries
            if (policy.count > 0) {
                const double deadline =
                    double(policy.deadlineMs > 0 ? policy.deadlineMs : qint64(timeoutMs));
                double wait = double(policy.backoffMs);
                double elapsed = attemptMs;
                double reach = 1.0;
                for (int k = 1; k <= policy.count; ++k) {
                    const double meanWait = wait * (1.0 - policy.jitter / 2.0);
                    elapsed += meanWait + attemptMs;
                    if (elapsed > deadline + 1e-9)
                        break;
                    retries = k;
                    reach *= attemptFail;
                    retryMs += reach * (meanWait + attemptMs);
                    wait *= policy.multiplier;
                    if (policy.maxBackoffMs > 0)
                        wait = std::min(wait, double(policy.maxBackoffMs));
                }
            }
            memory = {attemptFail, attemptMs, retries};
            const double lastFails = retries == 0 ? 1.0 : std::pow(attemptFail, retries);
            const double failed = lastFails * attemptFail;
            ok *= 1.0 - call.share * failed;
            answered *= 1.0 - call.share * lastFails * attemptHang;
            if (weights > 0.0)
                latency += call.share * (attemptMs + retryMs);
        }
        ep.fail = reject + (1.0 - reject) * (1.0 - ok);
        ep.hang = (1.0 - reject) * (1.0 - answered);
        ep.errors = ep.in * std::max(0.0, ep.fail - ep.hang);
        ep.latencyMs = latency;
        if (ep.entry) {
            // What its concurrency limit sees: the latency over the last few seconds (a
            // gauge of requests in flight is not this tick's alone); the tick's own would
            // swing the limit from everything to little and back each tick.
            NodeRun &run = m_nodes[size_t(ep.node)];
            run.latencyMs = run.latencyMs <= 0.0
                                ? latency
                                : run.latencyMs + kConcurrencySmoothing * (latency - run.latencyMs);
        }
    }
}

void Simulation::settleSources()
{
    m_failed = 0.0;
    for (LoadRun &load : m_loads) {
        const LoadProfile &profile = *load.profile;
        load.failed = 0.0;
        if (load.offered <= 0.0)
            continue;
        double failedShare = 0.0;
        double weight = 0.0;
        for (int s : load.sources) { // weighted by what this load sent from each
            const Endpoint &ep = m_endpoints[size_t(s)];
            const double part =
                profile.share.isEmpty() ? 1.0 : profile.share.value(siteOf(ep.node), 0.0);
            failedShare += part * ep.fail;
            weight += part;
        }
        failedShare = weight > 0 ? failedShare / weight : 0.0;
        load.failed = load.offered * failedShare;
        m_failed += load.failed;
        if (profile.onFailure != FailurePolicy::Retry || failedShare <= 0.0)
            continue;
        // Failed retries go back to the front in their order, new failures to the back.
        for (auto it = load.retried.rbegin(); it != load.retried.rend(); ++it) {
            const double n = it->count * failedShare;
            if (n > 1e-9) {
                if (!load.upstream.empty() && load.upstream.front().originMs == it->originMs)
                    load.upstream.front().count += n;
                else
                    load.upstream.push_front({it->originMs, n});
                load.upstreamCount += n;
            }
        }
        pushBack(load.upstream, m_now, load.newRequests * failedShare);
        load.upstreamCount += load.newRequests * failedShare;
    }
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
        // (oldest first across the loads: the front is the oldest item)
        std::vector<Bucket> aged;
        double fresh = 0.0;
        for (const LoadRun &load : m_loads) {
            aged.insert(aged.end(), load.retried.cbegin(), load.retried.cend());
            fresh += load.newRequests;
        }
        if (m_loads.size() > 1)
            std::stable_sort(aged.begin(), aged.end(), [](const Bucket &a, const Bucket &b) {
                return a.originMs < b.originMs;
            });
        for (const Bucket &b : aged)
            pushBack(run.backlog, b.originMs, items * b.count / m_offered);
        pushBack(run.backlog, m_now, items * fresh / m_offered);
        run.backlogCount += items;
    }
}

} // namespace warroom::sim
