#include "sim/replica.h"

#include <algorithm>
#include <cassert>

namespace capplan::sim {

Replica::Replica(const SchedulerConfig& config)
    : config_(config), total_blocks_(config.kv_capacity_tokens / config.kv_block_tokens) {
  running_.reserve(static_cast<size_t>(config.max_num_seqs));
  scheduled_.reserve(static_cast<size_t>(config.max_num_seqs));
}

double Replica::BlockSeconds(Seconds now) {
  block_seconds_ += static_cast<double>(used_blocks_) * (now - block_seconds_until_).v;
  block_seconds_until_ = now;
  return block_seconds_;
}

bool Replica::Allocate(Sequence& s, int64_t tokens) {
  const int64_t needed = (tokens + config_.kv_block_tokens - 1) / config_.kv_block_tokens - s.blocks;
  if (needed <= 0) return true;
  if (needed > total_blocks_ - used_blocks_) return false;
  s.blocks += needed;
  used_blocks_ += needed;
  return true;
}

void Replica::Preempt(std::vector<Sequence>& seqs, int64_t id, StepStats& stats) {
  Sequence& s = seqs[static_cast<size_t>(id)];
  used_blocks_ -= s.blocks;
  s.blocks = 0;
  s.computed = 0;  // recompute: the prompt and the tokens generated so far are prefilled again
  s.prefilling = true;
  ++s.preemptions;
  ++stats.preemptions;
  waiting_.push_front(id);
}

void Replica::Schedule(Sequence& s, int64_t id, int64_t tokens, BatchShape& shape) {
  scheduled_.push_back({id, tokens});
  if (s.prefilling) {
    const auto cached = static_cast<double>(s.computed);
    const auto len = static_cast<double>(tokens);
    ++shape.prefill_sequences;
    shape.prefill_tokens += tokens;
    shape.prefill_cached_tokens += s.computed;
    shape.prefill_attention_pairs += len * (cached + (len + 1) / 2);
  } else {
    ++shape.decode_sequences;
    shape.decode_context_tokens += s.computed + 1;  // the new token attends to itself too
  }
}

bool Replica::FormBatch(std::vector<Sequence>& seqs, Seconds now, BatchShape& shape, StepStats& stats) {
  BlockSeconds(now);
  scheduled_.clear();
  shape = BatchShape{};
  int64_t budget = config_.max_num_batched_tokens;
  bool preempted = false;
  for (size_t i = 0; i < running_.size() && budget > 0; ++i) {
    Sequence& s = seqs[static_cast<size_t>(running_[i])];
    const int64_t tokens = std::min(s.Known() - s.computed, budget);
    bool self_preempted = false;
    while (!Allocate(s, s.computed + tokens)) {
      const int64_t victim = running_.back();
      running_.pop_back();
      Preempt(seqs, victim, stats);
      preempted = true;
      if (running_.size() == i) {  // the victim was this sequence: nothing newer was left
        self_preempted = true;
        break;
      }
    }
    if (self_preempted) break;
    Schedule(s, running_[i], tokens, shape);
    budget -= tokens;
  }
  while (!preempted && budget > 0 && !waiting_.empty() && running() < config_.max_num_seqs) {
    const int64_t id = waiting_.front();
    Sequence& s = seqs[static_cast<size_t>(id)];
    const int64_t tokens = std::min(s.Known() - s.computed, budget);
    if (!Allocate(s, tokens)) break;  // FCFS: the head of the queue waits for blocks
    waiting_.pop_front();
    running_.push_back(id);
    if (!s.first_scheduled_at) s.first_scheduled_at = now;
    Schedule(s, id, tokens, shape);
    budget -= tokens;
  }
  if (scheduled_.empty()) return false;
  const size_t size = scheduled_.size();
  if (stats.batch_sizes.size() <= size) stats.batch_sizes.resize(size + 1, 0);
  ++stats.batch_sizes[size];
  max_utilization_ = std::max(max_utilization_, static_cast<double>(used_blocks_) / static_cast<double>(total_blocks_));
  return true;
}

void Replica::CompleteStep(std::vector<Sequence>& seqs, Seconds start, Seconds end, StepStats& stats) {
  BlockSeconds(end);
  int64_t continuous = 0;  // sequences whose previous token ended the previous step
  bool any_finished = false;
  for (const Scheduled& step : scheduled_) {
    Sequence& s = seqs[static_cast<size_t>(step.id)];
    s.computed += step.tokens;
    if (s.computed < s.Known()) continue;  // a prefill chunk that leaves part of the prompt
    if (s.generated == 0) {
      s.first_token_at = end;
    } else if (s.last_token_at == start) {
      ++continuous;
    } else {
      stats.itl.push_back({(end - s.last_token_at).v, 1});
    }
    ++s.generated;
    s.last_token_at = end;
    s.prefilling = false;
    if (s.generated == s.output_tokens) {
      s.finished = true;
      s.finished_at = end;
      used_blocks_ -= s.blocks;
      s.blocks = 0;
      --outstanding_;
      ++stats.completed;
      stats.finished_ids.push_back(step.id);
      any_finished = true;
    }
  }
  if (continuous > 0) stats.itl.push_back({(end - start).v, continuous});
  if (any_finished) {
    std::erase_if(running_, [&seqs](int64_t id) { return seqs[static_cast<size_t>(id)].finished; });
  }
}

}  // namespace capplan::sim
