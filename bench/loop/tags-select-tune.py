"""
Offline tuning of how tag candidates become a pseudo-mask (issue #15), on the candidates
bench/loop/tags-candidates-dump.ts mined (every box side's answer per bright-blob peak, with
descriptors): the MIL logistic classifier of candidate-mining.ts (same loss, epochs, rate, L2,
sharpness) learns on bench:weak's tag training images, and the Dice of the pseudo-masks with the
lesion union is measured on tuning images only (synthetic seed 1701, DRIVE photographs 8-13 with
lesion seeds 1701/1801; bench:weak's held-out seed and photographs are never read).

  npx tsx bench/loop/tags-candidates-dump.ts --peaks 10 --out /tmp/tag-candidates.json
  python3 bench/loop/tags-select-tune.py /tmp/tag-candidates.json      (needs numpy)
  python3 bench/loop/tags-select-tune.py /tmp/tag-candidates.json --pick   (candidatePick)

Prints, per group and peaks (6 or 10) and box-fit exponent (the answer kept at a peak maximises
predicted IoU x box fit ^ exponent), the mean Dice at a few candidateMinScore values, and the
oracle (the best union of the kept answers).
"""
import json
import sys

import numpy as np
rows = json.load(open(sys.argv[1] if len(sys.argv)>1 else '/tmp/tag-candidates.json'))
for r in rows:
    r['union'] = set(p for l in r['lesions'] for p in l)
    for c in r['candidates']:
        for v in c['variants']:
            v['set'] = set(v['pixels'])
            v['f'] = np.array(v['features'] + [np.log(v['side']), v['boxFit']])
def sig(x): return 1/(1+np.exp(-x))
def train(bags, nf, epochs=300, lr=0.5, l2=1e-3, r=4.0, pos_mode='lse'):
    # bags: list of (present, X)
    allx = np.concatenate([X for _, X in bags if len(X)])[:, :nf]
    mu, sd = allx.mean(0), allx.std(0); sd[sd == 0] = 1
    data = [(p, (X[:, :nf]-mu)/sd) for p, X in bags if len(X)]
    neg = sum(len(X) for p, X in data if not p); pos = sum(1 for p, X in data if p)
    w = np.zeros(nf); b = 0.0
    for _ in range(epochs):
        gw = np.zeros(nf); gb = 0.0
        for p, X in data:
            l = X@w+b
            if not p:
                pr = sig(l); gw += (pr/neg)@X; gb += pr.sum()/neg
            else:
                t = l.max(); e = np.exp(r*(l-t)); z = e.sum(); pooled = t+np.log(z)/r
                g = (sig(pooled)-1)/pos; sh = e/z
                gw += g*(sh@X); gb += g*sh.sum()
        w -= lr*(gw + l2*w); b -= lr*gb
    return lambda X: sig(((X[:, :nf]-mu)/sd)@w+b)
def dice(a, b):
    if not a and not b: return 1.0
    return 2*len(a & b)/(len(a)+len(b))
def cands(r, peaks, pick):
    out = []
    for c in r['candidates'][:peaks]:
        vs = c['variants']
        if not vs: continue
        if pick == 'fit': out.append(max(vs, key=lambda v: v['iou']*v['boxFit']))
        elif pick == 'all': out.extend(vs)
    return out
def run(group, peaks=6, pick='fit', nf=8, thr=0.5, keep_top=True, nms=None, iters=0, r_=4.0, prefix=None):
    tr = [r for r in rows if r['group'] == group+'-train']
    te = [r for r in rows if r['group'] == group+'-tune' and r['present']]
    bags = []
    for r in tr:
        cs = cands(r, peaks, pick)
        bags.append((r['present'], np.array([v['f'] for v in cs]).reshape(len(cs), -1)))
    score = train(bags, nf, r=r_)
    for _ in range(iters):  # mi-SVM style: confident candidates of present images become positives too
        nb = []
        for (p, X) in bags:
            if not p or not len(X): nb.append((p, X)); continue
            s = score(X); top = s.argmax()
            for i in range(len(X)):
                if i == top or s[i] >= 0.5: nb.append((True, X[i:i+1]))
                else: pass
        score = train(nb, nf, r=r_)
    ds = []; found = 0; confs = []
    for r in te:
        cs = cands(r, peaks, pick)
        if not cs: ds.append(0.0); confs.append(0); continue
        s = score(np.array([v['f'] for v in cs]))
        order = np.argsort(-s)
        kept = []; 
        for i in order:
            if not (s[i] >= thr or (keep_top and i == order[0])): continue
            if nms is not None and any(len(cs[i]['set'] & cs[j]['set'])/len(cs[i]['set'] | cs[j]['set']) > nms for j in kept): continue
            kept.append(i)
        m = set().union(*[cs[i]['set'] for i in kept])
        d = dice(m, r['union']); ds.append(d)
        confs.append(np.mean(s[kept])*np.mean([cs[i]['iou'] for i in kept]))
    ds = np.array(ds); confs = np.array(confs)
    hi = ds[confs >= 0.8]
    return round(ds.mean(), 4), len(ds), round(float(hi.mean()) if len(hi) else -1, 3), round(len(hi)/len(ds), 2)
def oracle(group, peaks=10, pick='all'):
    te = [r for r in rows if r['group'] == group+'-tune' and r['present']]
    ds = []
    for r in te:
        cs = cands(r, peaks, pick); m = set(); best = dice(m, r['union'])
        improved = True
        while improved:
            improved = False
            for v in cs:
                d = dice(m | v['set'], r['union'])
                if d > best + 1e-9: best, bm, improved = d, m | v['set'], True
            if improved: m = bm
        ds.append(best)
    return round(float(np.mean(ds)), 4)

def box_of(peak, side, W, H):
    return (max(0, peak['x'] - side / 2), max(0, peak['y'] - side / 2),
            min(W, peak['x'] + side / 2), min(H, peak['y'] + side / 2))

def fit_pick(exponent):
    def pick(r, peaks, _):
        return [max(c['variants'], key=lambda v: v['iou'] * v['boxFit'] ** exponent)
                for c in r['candidates'][:peaks] if c['variants']]
    return pick

def run_scored_pick(group, thr, iou_exponent=1.0, peaks=10):
    """candidatePick 'score-x-iou': the classifier learns from each peak's box-fit answer
    (exponent 0.5, as tags-to-masks trains it), then each peak of a tuning image is represented
    by its answer (of every box side) with the highest score x predicted IoU ^ iou_exponent."""
    fit = fit_pick(0.5)
    tr = [r for r in rows if r['group'] == group + '-train']
    te = [r for r in rows if r['group'] == group + '-tune' and r['present']]
    bags = [(r['present'], np.array([v['f'] for v in fit(r, peaks, None)]).reshape(-1, 10))
            for r in tr]
    score = train(bags, 8)
    ds = []
    for r in te:
        per = []
        for c in r['candidates'][:peaks]:
            vs = c['variants']
            if not vs: continue
            s = score(np.array([v['f'] for v in vs]))
            k = int(np.argmax(s * np.array([v['iou'] for v in vs]) ** iou_exponent))
            per.append((s[k], vs[k]['set']))
        if not per: ds.append(0.0); continue
        top = max(range(len(per)), key=lambda i: per[i][0])
        m = set().union(*[p[1] for i, p in enumerate(per) if p[0] >= thr or i == top])
        ds.append(dice(m, r['union']))
    return round(float(np.mean(ds)), 4), len(ds)

if __name__ == '__main__' and '--pick' in sys.argv:
    # The candidatePick / candidateMinScore choice (issue #15, stop 26): dump with
    #   npx tsx bench/loop/tags-candidates-dump.ts --tune-seeds 1701,1703,1705
    cands = fit_pick(0.5)  # the box-fit answers the default picked before (exponent 0.5)
    for g in ['syn', 'drive']:
        if not any(r['group'] == g + '-tune' for r in rows): continue
        print(g, 'box-fit', {t: run(g, peaks=10, thr=t)[0] for t in [0.7, 0.8, 0.9]}, flush=True)
        for a in [0.5, 1, 2]:
            print(g, 'score-x-iou ^', a,
                  {t: run_scored_pick(g, t, a)[0] for t in [0.7, 0.8, 0.85, 0.9, 0.95]}, flush=True)
elif __name__ == '__main__':
    for exponent in [1, 0.75, 0.5, 0.25, 0]:
        cands = fit_pick(exponent)
        for g in ['syn', 'drive']:
            if not any(r['group'] == g + '-tune' for r in rows): continue
            for peaks in [6, 8, 10]:
                print(g, 'peaks', peaks, 'boxFitExponent', exponent,
                      {t: run(g, peaks=peaks, thr=t)[0] for t in [0.5, 0.6, 0.7, 0.8]},
                      'oracle', oracle(g, peaks, 'x'), flush=True)
