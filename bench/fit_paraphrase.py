"""Fit storyline's paraphrase weights on MRPC train (features from storyline.corpus.paraphrase).

    python bench/fit_paraphrase.py [C] [--write]      (needs scikit-learn; run from the repo root)

Reads ../shared/bench/paraphrase/mrpc-train.jsonl, prints 5-fold cross-validated and in-sample
accuracy/F1; --write stores the weights in src/storyline/data/paraphrase_model.json.
"""
import json, os, sys, hashlib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import StandardScaler, PolynomialFeatures
from sklearn.pipeline import make_pipeline
from storyline.corpus.paraphrase import FEATURES, Lexical, pair_features
path=os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'bench', 'paraphrase', 'mrpc-train.jsonl')
sha=hashlib.sha256(open(path,'rb').read()).hexdigest()
rows=[json.loads(l) for l in open(path)]
from storyline.embed import get_embedder
sents=sorted({r['a'] for r in rows} | {r['b'] for r in rows}); V=get_embedder().encode(sents); idx={s:i for i,s in enumerate(sents)}
lex={s:Lexical.of(s) for s in sents}
X=np.array([pair_features(float(V[idx[r['a']]]@V[idx[r['b']]]), lex[r['a']], lex[r['b']]) for r in rows])
y=np.array([r['label'] for r in rows])
C=float(sys.argv[1]) if len(sys.argv)>1 else 0.03
pipe=make_pipeline(StandardScaler(),PolynomialFeatures(2,include_bias=False),StandardScaler(),LogisticRegression(C=C,max_iter=5000))
cv=StratifiedKFold(5, shuffle=True, random_state=0)
pcv=cross_val_predict(pipe, X, y, cv=cv, method='predict_proba')[:,1]
def metr(p,t=0.5):
    yh=(p>=t).astype(int); tp=((yh==1)&(y==1)).sum(); fp=((yh==1)&(y==0)).sum(); fn=((yh==0)&(y==1)).sum()
    pr=tp/(tp+fp); rc=tp/(tp+fn); return round(float((yh==y).mean()),4), round(float(2*pr*rc/(pr+rc)),4)
pipe.fit(X,y); pin=pipe.predict_proba(X)[:,1]
print('cv', metr(pcv), 'in', metr(pin))
s1,_,s2,lr=pipe.steps[0][1],pipe.steps[1][1],pipe.steps[2][1],pipe.steps[3][1]
if '--write' in sys.argv:
    acc_cv,f1_cv=metr(pcv); acc_in,f1_in=metr(pin)
    out={"about":"Logistic regression over sentence-pair similarity features (storyline.corpus.paraphrase.FEATURES) and their pairwise products: scikit-learn StandardScaler -> PolynomialFeatures(degree=2, include_bias=False) -> StandardScaler -> LogisticRegression(C=%g). p(paraphrase) = sigmoid(intercept + coef . (poly((x - mean) / scale) - mean2) / scale2)."%C,
     "features":list(FEATURES),"degree":2,
     "mean":[round(float(v),8) for v in s1.mean_],"scale":[round(float(v),8) for v in s1.scale_],
     "mean2":[round(float(v),8) for v in s2.mean_],"scale2":[round(float(v),8) for v in s2.scale_],
     "coef":[round(float(v),8) for v in lr.coef_[0]],"intercept":round(float(lr.intercept_[0]),8),"threshold":0.5,
     "fitted_on":{"file":"bench/paraphrase/mrpc-train.jsonl (MRPC training part)","sha256":sha,"pairs":len(rows)},
     "embedding":"all-MiniLM-L6-v2 int8 ONNX (storyline.embed)",
     "metrics":{"in_sample":{"accuracy":acc_in,"f1":f1_in},"cv5_stratified_seed0":{"accuracy":acc_cv,"f1":f1_cv}}}
    target=os.path.join(os.path.dirname(__file__), '..', 'src', 'storyline', 'data', 'paraphrase_model.json')
    json.dump(out, open(target,'w'), indent=0); print('written', target)
