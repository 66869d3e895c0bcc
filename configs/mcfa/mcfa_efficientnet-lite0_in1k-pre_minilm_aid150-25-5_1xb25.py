# MCFA on AID-150px 25 seen / 5 unseen with all-MiniLM-L6-v2 sentence embeddings of
# "a satellite image of {class name}." (384-d) instead of GloVe word vectors; everything else
# as mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py (the authors' code's settings;
# departures in configs/mcfa/README.md). No figure is reported for it until a run with records.
_base_ = ['./mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py']

model = dict(class_embedding=dict(_delete_=True, type='SentenceEmbedding',
                                  template='a satellite image of {}.',
                                  cache_dir='work_dirs/class_embeddings'))
