#include "dream/network_gradient.h"

#include <algorithm>
#include <cctype>

#include "autograd/ops.h"

namespace dream {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}
// "n01614925 bald eagle, American eagle" -> "bald eagle, American eagle"
std::string strip_synset_id(const std::string& label) {
  if (label.size() <= 10 || label[0] != 'n' || label[9] != ' ') return label;
  for (size_t i = 1; i < 9; ++i)
    if (!std::isdigit(static_cast<unsigned char>(label[i]))) return label;
  return label.substr(10);
}

}  // namespace

int64_t resolve_class(const std::vector<std::string>& labels, const std::string& spec) {
  const int64_t count = static_cast<int64_t>(labels.size());
  const std::string s = trim(spec);
  if (s.empty()) throw Error("--class: empty class name");
  if (std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); })) {
    const int64_t idx = s.size() > 9 ? count : std::stoll(s);
    if (idx >= count) throw Error("--class " + s + " is out of range: classes are 0.." + std::to_string(count - 1));
    return idx;
  }
  const std::string want = lower(s);
  std::vector<int64_t> contains;
  for (int64_t i = 0; i < count; ++i) {
    const std::string text = lower(strip_synset_id(labels[static_cast<size_t>(i)]));
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      if (comma == std::string::npos) comma = text.size();
      if (trim(text.substr(start, comma - start)) == want) return i;
      start = comma + 1;
    }
    if (text.find(want) != std::string::npos) contains.push_back(i);
  }
  if (contains.size() == 1) return contains[0];
  if (contains.empty())
    throw Error("--class '" + s + "': no ImageNet label matches (give a label or an index 0.." +
                std::to_string(count - 1) + ")");
  std::string list;
  for (size_t k = 0; k < contains.size() && k < 5; ++k)
    list += (k ? "; " : "") + std::to_string(contains[k]) + " '" +
            strip_synset_id(labels[static_cast<size_t>(contains[k])]) + "'";
  throw Error("--class '" + s + "' is ambiguous: " + list + (contains.size() > 5 ? "; ..." : "") +
              " (use the index or the full label)");
}

NetworkGradient::NetworkGradient(const models::GoogLeNet& net, Objective objective)
    : net_(net), objective_(std::move(objective)) {
  if (objective_.terms.empty()) throw Error("the objective has no terms");
  for (ObjectiveTerm& term : objective_.terms) {
    term.blob = net_.canonical_blob_name(term.blob);
    min_size_ = std::max(min_size_, net_.min_input_size(term.blob));
  }
  // Channel counts at a size every blob exists at.
  const int64_t probe = std::max<int64_t>(min_size_, 224);
  const std::vector<models::BlobInfo> infos = net_.blobs(probe, probe);
  for (const ObjectiveTerm& term : objective_.terms) {
    if (term.kind != ObjectiveKind::Channel && term.kind != ObjectiveKind::Neuron &&
        term.kind != ObjectiveKind::ClassLogit)
      continue;
    auto it = std::find_if(infos.begin(), infos.end(), [&](const models::BlobInfo& b) { return b.name == term.blob; });
    if (it == infos.end()) continue;
    const int64_t channels = it->shape.size() >= 2 ? it->shape[1] : 1;
    if (term.channel < 0 || term.channel >= channels)
      throw Error(std::string(term.kind == ObjectiveKind::ClassLogit ? "--class " : "--channel ") +
                  std::to_string(term.channel) + " is out of range for '" + term.blob + "': it has " +
                  std::to_string(channels) + " channels (0.." + std::to_string(channels - 1) + ")");
  }
}

double NetworkGradient::objective_and_gradient(const Tensor& image, Tensor& grad) {
  autograd::Tape tape;
  autograd::Variable input = tape.leaf(image.clone(), true);
  std::map<std::string, autograd::Variable> acts = net_.forward(tape, input, objective_.blobs());
  autograd::Variable loss = objective_value(tape, acts, objective_);
  acts.clear();
  const double value = loss.value()[0];
  tape.backward(loss);
  grad = input.grad().empty() ? Tensor(image.shape()) : input.grad();
  return value;
}

Tensor blob_activation(const models::GoogLeNet& net, const Tensor& image, const std::string& blob) {
  autograd::Tape tape;
  autograd::Variable input = tape.constant(image.clone());
  const std::string name = net.canonical_blob_name(blob);
  auto acts = net.forward(tape, input, {name});
  return acts.at(name).value().clone();
}

}  // namespace dream
