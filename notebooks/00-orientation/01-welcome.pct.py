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
# **Time:** 35 minutes. **Prerequisites:** comfortable Python (functions, lists, dicts, classes);
# no prior knowledge of databases or cryptography.
#
# **After this notebook you can** tell the two rewrites this course is drawn from (what was
# rebuilt, why, at what cost), say which part of them each module rebuilds, find your way around
# the course, and explain how your work is checked: public tests, hidden tests, Validate, hints.
#
# ## The story: two teams that rewrote working software
#
# The course follows one conversation: the webinar *Meet the Founders: An Open Discussion About
# Rewriting Using Rust*, between **Paul Dix**, CTO and founder of **InfluxData**, and **Mrinal
# Wadhwa**, CTO and founder of **Ockam**. Both led a ground-up rewrite into **Rust**: InfluxData
# from Go, Ockam from C. We teach from a written summary of that webinar, "Meet the Founders Who
# Rewrote in Rust", which ends by inviting you to try InfluxDB Cloud: read it as the account of
# people with a product to sell, and check it. Where we say "Dix says" or "the webinar says", the
# claim is theirs; where the summary is wrong or vague, we say so and give the fact.
#
# ### InfluxDB 3.0: a time series database rebuilt on open columnar parts
#
# **InfluxDB** is a database built for time series: measurements stamped with a time, such as the
# CPU load of a thousand servers every ten seconds. Versions 1.x and 2.x are written in Go, and
# metrics are one of their strongest uses. Dix wanted the next version to do three things that
# turned out to need a new database rather than new features:
#
# - **tiered storage:** keep recent data in memory and move the rest to cheap storage;
# - **high-cardinality metadata:** many more distinct tag values (host names, container ids) than
#   the old engine handled well;
# - **native SQL** for queries.
#
# The summary garbles the first point: it describes moving data "from in-memory to a locally
# attached, cheaper, SSD disk-backed object store". What InfluxDB 3.0 does is simpler to state:
# writes land in an in-memory buffer behind a write-ahead log, and the data is then persisted as
# **Parquet** files to **object storage** such as Amazon S3 (on a single machine a local
# directory can stand in for it). Object storage is a network service with its own economics, not
# a disk attached to the server.
#
# The new engine is assembled from three open projects. Apache **Arrow** is the columnar format in
# memory, Apache **Parquet** the columnar format on disk, and **DataFusion** the SQL engine
# (parser, planner, optimiser and executor) that works on Arrow directly. The summary says these
# tools were "all previously written in Rust". **That is wrong.** Arrow began in 2016 with C++ and
# Java implementations, and Parquet in 2013 in Java; their Rust implementations came later (today
# both live in the `arrow-rs` project). Only DataFusion began in Rust: Andy Grove started it in
# 2017 and donated it to Apache Arrow in 2019. The course uses `pyarrow`, Python on the C++
# implementation of Arrow and Parquet, and the `datafusion` package, Python bindings to the Rust
# engine itself: the formats are the same bytes whatever the language.
#
# The timeline, as the webinar tells it: a research project in 2019; Dix chose Rust once its
# `async`/`await` arrived in the fall of 2019; from the fall of 2020 a team of three engineers
# chose and learned the building blocks; the rewrite got about 10% of engineering effort until the
# summer of 2022, when the team grew; InfluxDB Cloud Serverless and Cloud Dedicated, the first
# products on InfluxDB 3.0, launched in 2023.
#
# ### Ockam: a secure-channel library rebuilt before it shipped
#
# **Ockam** is an open-source tool for end-to-end encryption of data in motion: each application
# runs Ockam and gets secure channels to the others. Ockam was not yet in production, but by the
# webinar's account the team had spent about eight months and written tens of thousands of lines
# of C before deciding, over a few more months, to start again in Rust. The reason: Ockam's core is
# cryptographic messaging protocols, where one tiny misstep makes the whole system insecure, and
# the C code base was neither simple to use nor easy to maintain. They wanted a library that is
# safe and easy to use. Ockam's secure channels are built on the **Noise** protocol framework's
# XX handshake, which module 3 rebuilds.
#
# ### Why Rust, and what it cost
#
# The webinar gives the same reasons for both teams: **performance**, **concurrency without
# subtle bugs** ("fearless concurrency"), and **async runtimes under the developer's control**;
# also no garbage collector, errors as values, a package manager, and a C-compatible interface for
# other languages. Two of the summary's claims need sharpening, and module 4 is built on the
# difference:
#
# - "Fearless concurrency" means that *safe* Rust rejects **data races** at compile time: the
#   borrow checker allows either one writer or many readers of a value, never both at once, and
#   forbids using a value after it has been moved away. (The summary credits the borrow checker
#   with initialising variables; rejecting reads of uninitialised variables is a separate compiler
#   check.) It does *not* rule out deadlocks or races in the logic of a program, such as two
#   tasks that each check-then-act.
# - Rust's `async` functions do nothing until an executor polls them, and the language ships no
#   executor: the application chooses an async **runtime** (Tokio is the common one) and how it
#   schedules tasks. Node.js, which the webinar contrasts, has one built-in event loop. Python's
#   `asyncio` is also one event loop per thread, with its own ordering traps.
#
# The costs they named: Rust is hard to learn, its design patterns differ (many because of the
# borrow checker), it is harder for developers who know only dynamic languages such as Python,
# Ruby or JavaScript than for those from C++ or Swift, and it compiles slowly. How they managed:
# the free online *Rust Book* and O'Reilly's *Programming Rust*; at Ockam a **buddy system** that
# paired Rust experts with experts in, for example, protocol design; at InfluxData the consultancy
# **Integer 32**, which ran training sessions and answered questions. Dix expects more and more
# high-performance server software to be written in Rust.
#
# ## What you build, module by module
#
# This course is in Python, and it does not teach Rust. It rebuilds the *engineering* that those
# rewrites bought, piece by piece, small enough to write and test yourself, and checks your pieces
# against the real libraries:
#
# - **Module 1** rebuilds InfluxDB 3.0's storage: Arrow's memory layout and Parquet's encodings,
#   statistics and row-group pruning, the parts that make "tiered storage" and fast scans work.
# - **Module 2** rebuilds its write and query path: ingest, a buffer, persisted Parquet, and time
#   series SQL on DataFusion.
# - **Module 3** rebuilds Ockam's secure channel: AEAD messages, the Noise XX handshake, replay
#   protection, and the attacks each rule stops: the "one tiny misstep".
# - **Module 4** takes "fearless concurrency" seriously from the other side: the races, deadlocks
#   and async traps that Rust's compiler (partly) rules out, which Python does not check for you,
#   and how to test for them deterministically.

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
# The chart below shows the same plan as a picture: where your time goes, coloured by the part of
# the story each module rebuilds (`course/data/modules.csv` holds the plan).

# %%
import csv

from matplotlib.patches import Patch

from course import data_path
from course.learner.plotting import PALETTE, figure, show

with data_path("modules.csv").open(newline="") as f:
    plan = list(csv.DictReader(f))
labels = [f"{m['number']} {m['title']}" for m in plan]
hours = [int(m["hours"]) for m in plan]
STORY_COLOURS = {"InfluxDB 3.0": PALETTE["blue"], "Ockam": PALETTE["orange"],
                 "both": PALETTE["green"]}
colours = [STORY_COLOURS[m["story"]] for m in plan]

fig, ax = figure(figsize=(9.5, 3.5), layout="constrained")
ax.barh(labels[::-1], hours[::-1], color=colours[::-1])
for y, h in enumerate(hours[::-1]):
    ax.text(h + 0.1, y, f"{h} h", va="center")
ax.set(title=f"Time per module (about {sum(hours)} hours in all)", xlabel="hours",
       xlim=(0, max(hours) + 1.5))
ax.grid(axis="y", visible=False)
ax.legend(handles=[Patch(color=c, label=s) for s, c in STORY_COLOURS.items()],
          title="rebuilds", loc="center left", bbox_to_anchor=(1.0, 0.5))
show(fig, alt="Horizontal bar chart of hours per module: orientation 1 and concurrency 5 (both "
              "stories), columnar formats 6 and time series 6 (InfluxDB 3.0), encrypted channels "
              "6 (Ockam), capstone 8 (both).")
for m in plan:
    print(f"module {m['number']}  {m['title']:<21} {m['story']:<13} {m['rebuilds']}")

# %% [markdown]
# ### Predict, then run: the story on one time line
#
# Before you run the next cell, predict: which of Arrow, Parquet and DataFusion appears on the time
# line *before* Rust's `async`/`await` (fall 2019), and which of the three was started in Rust?

# %%
TIMELINE = [  # (year, fractional position within the year, event, story)
    (2013, 0.5, "Parquet begins (Java)", "parts"),
    (2016, 0.2, "Arrow begins (C++ and Java)", "parts"),
    (2017, 0.5, "DataFusion begins (Rust, Andy Grove)", "parts"),
    (2019, 0.2, "InfluxDB 3.0 research project", "InfluxDB 3.0"),
    (2019, 0.5, "DataFusion donated to Apache Arrow", "parts"),
    (2019, 0.85, "Rust async/await; Dix picks Rust", "InfluxDB 3.0"),
    (2020, 0.8, "three engineers on the rewrite", "InfluxDB 3.0"),
    (2022, 0.5, "team grows beyond 10% of engineering", "InfluxDB 3.0"),
    (2023, 0.3, "Cloud Serverless and Dedicated launch", "InfluxDB 3.0"),
]
EVENT_COLOURS = {"parts": PALETTE["purple"], "InfluxDB 3.0": PALETTE["blue"]}
EVENT_LABELS = {"parts": "the open-source parts", "InfluxDB 3.0": "the InfluxDB 3.0 rewrite"}

fig, ax = figure(figsize=(9, 4.2))
for row, (year, within, event, story) in enumerate(TIMELINE):
    ax.plot(year + within, -row, "o", color=EVENT_COLOURS[story], markersize=9)
    ax.text(year + within + 0.15, -row, event, va="center", fontsize=10)
ax.set(xlim=(2012.5, 2026.5), ylim=(-len(TIMELINE) + 0.3, 0.8), yticks=[],
       title="The parts and the rewrite, 2013-2023")
ax.set_xticks(range(2013, 2025))
ax.grid(axis="y", visible=False)
ax.legend(handles=[Patch(color=c, label=EVENT_LABELS[s]) for s, c in EVENT_COLOURS.items()],
          loc="lower left")
show(fig, alt="Time line from 2013 to 2023: Parquet begins in Java in 2013, Arrow in C++ and Java "
              "in 2016, DataFusion in Rust in 2017; in 2019 the InfluxDB 3.0 research project, "
              "DataFusion donated to Apache Arrow and Rust async/await; three engineers in fall "
              "2020; the team grows in summer 2022; the first InfluxDB 3.0 cloud products in 2023.")

# %% [markdown]
# <details><summary>Answer</summary>
#
# All three existed before the fall of 2019: Parquet (2013), Arrow (2016), DataFusion (2017). Only
# DataFusion began in Rust; Arrow and Parquet gained Rust implementations later, which is why the
# summary's "all previously written in Rust" is wrong. Ockam is not on the chart: the webinar gives
# its durations (about eight months of C, then a few months of deciding) but no dates.
#
# </details>
#
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
# - The course is drawn from two rewrites into Rust, told by their CTOs: InfluxDB 3.0 (InfluxData,
#   Paul Dix) and Ockam (Mrinal Wadhwa). Arrow and Parquet did not begin in Rust; DataFusion did.
# - Modules 1 and 2 rebuild InfluxDB 3.0's storage and query path on Arrow, Parquet and
#   DataFusion; module 3 builds Ockam's kind of encrypted channel on Noise; module 4 makes the
#   concurrency bugs that Rust's compiler rules out (and those it does not) reproducible in Python;
#   the capstone joins them.
# - Public tests give feedback while you work; hidden tests grade, against real oracles.
# - stderr or an error scores a test cell zero. Validate before you submit.
#
# ## Self-check
#
# 1. Where do you write your answer, and which file do you submit?
# 2. Why would an answer of `3.0` fail a test that expects `3`?
# 3. What does the grader do with a warning printed by your function?
# 4. Name the three things Dix wanted from InfluxDB 3.0 that made it a rewrite, and the three open
#    projects it is built on. Which of those projects began in Rust?
# 5. A colleague says "Rust's fearless concurrency means concurrent Rust code has no concurrency
#    bugs". What does safe Rust actually rule out, and what not?
#
# <details><summary>Answers</summary>
#
# 1. In the answer cells of the notebook in `exercises/<module>/`, replacing
#    `raise NotImplementedError()`; you submit that notebook.
# 2. Answers are compared by type as well as value: `3.0` is a `float`, `3` an `int`. (Floats are
#    compared with a tiny tolerance, so the order of additions does not matter.)
# 3. A warning goes to stderr, and a test cell with anything on stderr scores zero.
# 4. Tiered storage (memory, then Parquet on object storage), high-cardinality metadata and native
#    SQL; Apache Arrow, Apache Parquet and DataFusion. Only DataFusion began in Rust (2017); Arrow
#    began in C++ and Java, Parquet in Java, and both gained Rust implementations later.
# 5. Data races: the compiler rejects safe code in which one thread could write a value while
#    another reads or writes it. Deadlocks and logic races (check-then-act between two tasks) are
#    still possible; module 4 shows them, in Python, where not even data races are ruled out.
#
# </details>
#
# Next: open `exercises/00-orientation/warmup.ipynb` and do the warm-up.
