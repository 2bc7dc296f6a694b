# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Engineering the big rewrites
#
# *A graded, hands-on course on the engineering behind today's infrastructure rewrites.*
#
# **Time:** 20 minutes. **Prerequisites:** comfortable Python (functions, lists, dicts, classes);
# no prior knowledge of databases or cryptography.
#
# **After this notebook you can** say what each module builds and why, find your way around the
# course, and explain how your work is checked: public tests, hidden tests, Validate, hints.
#
# ## Why teams rebuild infrastructure
#
# Some of the most instructive engineering of the last years happened in rewrites of systems that
# already worked. Two patterns recur.
#
# **A time series database moved its core to columnar memory, columnar files and a SQL engine.**
# Its first storage engine was a hand-made format, tuned for writes, with its own query language.
# The rewrite keeps data in memory as Apache **Arrow** columns, persists it as **Parquet** files,
# and answers queries with an embeddable SQL engine (**DataFusion**) that works on Arrow directly.
# Why? Columns make scans and aggregates fast (contiguous memory, vectorised kernels), compress
# well (a column of timestamps on a regular clock compresses a hundredfold), and open formats let
# every other tool read the data without an export.
#
# **A messaging tool built end-to-end encrypted channels on a modern handshake.** Rather than
# inventing a protocol, it uses the **Noise** framework's XX pattern: two parties authenticate each
# other and agree on keys in three messages, then send messages protected by an **AEAD** cipher
# with strict nonce and replay rules. Each rule stops a specific attack, and the course makes you
# break the channel without it.
#
# Both rewrites chose a language that makes **safe concurrency** checkable by the compiler:
# ownership rules that make data races impossible. Python cannot check those rules for you, so
# the course teaches you to see the pitfalls (races, deadlocks, missed wakeups, asyncio traps) and
# to test for them deterministically.
#
# ## What you build, module by module

# %% [markdown]
# | # | Module | You build | Graded against | Time |
# |---|--------|-----------|----------------|------|
# | 0 | Orientation | this tour and a warm-up assignment | Arrow, pandas | 1 h |
# | 1 | Columnar formats | Arrow buffers by hand: validity bitmaps, string offsets, dictionaries; Parquet encodings, row-group pruning, a file layout | pyarrow's own buffers and metadata | 6 h |
# | 2 | Time series queries | line protocol ingest to Arrow, partitioned Parquet, time buckets, downsampling, gap filling, hot and cold tiers | DataFusion's SQL answers | 6 h |
# | 3 | Encrypted channels | AEAD with nonces, key exchange, the Noise XX handshake, a channel with replay protection, and the attacks | published Noise test vectors, an independent peer | 6 h |
# | 4 | Concurrency pitfalls | races, deadlocks, missed wakeups, asyncio traps, and the fixes | every interleaving, explored deterministically | 5 h |
# | 5 | Capstone | a small encrypted, columnar time series service joining all four | the modules' oracles together | 8 h |
#
# The chart below shows the same plan as a picture: where your time goes.

# %%
import csv

from course import data_path
from course.learner.plotting import PALETTE, figure, show

with data_path("modules.csv").open(newline="") as f:
    plan = list(csv.DictReader(f))
labels = [f"{m['number']} {m['title']}" for m in plan]
hours = [int(m["hours"]) for m in plan]

fig, ax = figure(figsize=(8, 3.5))
ax.barh(labels[::-1], hours[::-1], color=PALETTE["blue"])
for y, h in enumerate(hours[::-1]):
    ax.text(h + 0.1, y, f"{h} h", va="center")
ax.set(title=f"Time per module (about {sum(hours)} hours in all)", xlabel="hours")
ax.grid(axis="y", visible=False)
show(fig, alt="Horizontal bar chart of hours per module: orientation 1, columnar formats 6, "
              "time series 6, encrypted channels 6, concurrency 5, capstone 8.")

# %% [markdown]
# ## How to work
#
# **Where things are.** Each module has lecture notebooks in `notebooks/<module>/` (read and run
# them; they are not graded) and one graded assignment in `exercises/<module>/`. Work in the
# `exercises/` copy: that is the file you submit.
#
# **Running cells.** Shift+Enter runs a cell and moves on. *Kernel → Restart Kernel and Run All
# Cells* runs a notebook from the top, the way the grader will. Notebooks in this course are
# deterministic: random data comes from seeded generators, so you see the numbers your classmates
# see.
#
# **Answer cells** contain `raise NotImplementedError()`: replace that line with your code. Keep the
# function's name and parameters. Your functions take and return plain data (lists, dicts, ints,
# floats, strings, bytes), so the grader can check them strictly.
#
# **Public tests** sit right below each answer. Run them as often as you like: a pass prints
# `passed`; a failure shows a message such as
# `CheckFailed: result should be None, but it is a float: 0.0; in mean_of_valid([None])`,
# which says what differs first, then which call went wrong.
#
# **Hidden tests** are cells that say `# Hidden tests run when your work is graded`. When your
# instructor grades, those cells hold many more cases, chosen to catch the mistakes learners really
# make (off-by-one, a null treated as zero, the wrong byte order). They compare your results with a
# trusted oracle: the Arrow library's own buffers, a SQL engine's answer, published test vectors.
# Your feedback shows their messages, never their code.
#
# **Points.** Each test cell is worth the points shown in its header. A test cell scores zero if it
# raises an error or prints anything on **stderr**, warnings included: keep your code quiet.
#
# **Validate.** The *Validate* button in the notebook toolbar restarts the kernel, runs every cell
# and tells you whether all visible tests pass. Validate before you submit.
#
# **Hints.** Each exercise names its id, for example `mean-of-valid`. Run
# `course.hint("mean-of-valid")` in a new cell: every call shows the next hint, from a nudge to
# nearly the answer. Try it:

# %%
import course

course.hint("mean-of-valid")

# %% [markdown]
# ## Licences
#
# The course code (the `course` package, tests, tooling and the code in notebooks) is under the MIT
# licence; the prose and figures are under Creative Commons Attribution 4.0 (CC-BY-4.0). Reuse and
# adapt them, and say where they came from.
#
# ## Recap
#
# - Modules 1 and 2 rebuild a time series store on Arrow, Parquet and SQL; module 3 builds an
#   encrypted channel on Noise; module 4 makes concurrency bugs reproducible; the capstone joins
#   them.
# - Public tests give feedback while you work; hidden tests grade, against real oracles.
# - stderr or an error scores a test cell zero. Validate before you submit.
#
# ## Self-check
#
# 1. Where do you write your answer, and which file do you submit?
# 2. Why would an answer of `3.0` fail a test that expects `3`?
# 3. What does the grader do with a warning printed by your function?
#
# <details><summary>Answers</summary>
#
# 1. In the answer cells of the notebook in `exercises/<module>/`, replacing
#    `raise NotImplementedError()`; you submit that notebook.
# 2. Answers are compared by type as well as value: `3.0` is a `float`, `3` an `int`. (Floats are
#    compared with a tiny tolerance, so the order of additions does not matter.)
# 3. A warning goes to stderr, and a test cell with anything on stderr scores zero.
#
# </details>
#
# Next: open `exercises/00-orientation/warmup.ipynb` and do the warm-up.
