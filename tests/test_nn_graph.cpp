// nn::Graph: forward runs only what the requested blobs need, fuses conv+ReLU
// only when the pre-ReLU blob is not wanted, names errors; geometry gives
// shapes and receptive fields worked out by hand for a toy network.
#include <catch2/catch.hpp>

#include "nn/activation.h"
#include "nn/concat.h"
#include "nn/conv2d.h"
#include "nn/graph.h"
#include "nn/pool2d.h"
#include "tests/support/tensor_testing.h"

using namespace dream;
using autograd::Tape;

namespace {

//  data 1x2xHxW -> a (conv 3x3 s1 p1, 4 ch) -> a_relu -> p (max 3x3 s2 ceil) -> b (conv 1x1, 3 ch)
//               \-> c (conv 5x5 s2 p2, 3 ch) ------------------------------------------/ cat(b, c)
nn::Graph toy_graph() {
  nn::Graph g;
  g.add("a", std::make_shared<nn::Conv2d>("a", test::random_tensor({4, 2, 3, 3}, 1), test::random_tensor({4}, 2), 1, 1),
        {"data"});
  g.add("a_relu", std::make_shared<nn::ReLU>("a_relu"), {"a"});
  g.add("p", std::make_shared<nn::MaxPool2d>("p", nn::PoolGeometry{3, 2, 0, true}), {"a_relu"});
  g.add("b", std::make_shared<nn::Conv2d>("b", test::random_tensor({3, 4, 1, 1}, 3), test::random_tensor({3}, 4), 1, 0),
        {"p"});
  g.add("c", std::make_shared<nn::Conv2d>("c", test::random_tensor({3, 2, 5, 5}, 5), test::random_tensor({3}, 6), 2, 2),
        {"data"});
  g.add("cat", std::make_shared<nn::Concat>("cat"), {"b", "c"});
  return g;
}

}  // namespace

TEST_CASE("Graph runs only the layers the requested blobs depend on") {
  const nn::Graph g = toy_graph();
  CHECK(g.blobs_needed_for({"p"}) == std::vector<std::string>{"a", "a_relu", "p"});
  CHECK(g.blobs_needed_for({"c"}) == std::vector<std::string>{"c"});
  CHECK(g.blobs_needed_for({"cat"}).size() == 6);
  CHECK(g.blobs_needed_for({"data"}).empty());

  Tape t;
  auto x = t.leaf(test::random_tensor({1, 2, 9, 9}, 7), true);
  auto out = g.forward(t, x, {"p"});
  CHECK(out.size() == 1);
  CHECK(out.at("p").shape() == Shape{1, 4, 4, 4});
  CHECK(t.op_names() == std::vector<std::string>{"conv2d_relu", "max_pool2d"});  // a+ReLU fused, nothing else

  Tape t2;
  auto x2 = t2.leaf(test::random_tensor({1, 2, 9, 9}, 7), true);
  auto both = g.forward(t2, x2, {"a", "p"});  // the pre-ReLU blob is wanted: no fusion
  CHECK(t2.op_names() == std::vector<std::string>{"conv2d", "relu", "max_pool2d"});
  const Tensor a = both.at("a").value();
  bool negative = false;
  for (int64_t i = 0; i < a.numel(); ++i) negative = negative || a[i] < 0;
  CHECK(negative);
  // Fused and unfused give the same pooled values.
  const Tensor p1 = out.at("p").value(), p2 = both.at("p").value();
  CHECK(std::equal(p1.data(), p1.data() + p1.numel(), p2.data()));

  CHECK(g.forward(t2, x2, {"data"}).at("data").value().data() == x2.value().data());
  CHECK_THROWS_WITH(g.forward(t2, x2, {"nope"}), Catch::Contains("nope"));
}

TEST_CASE("Graph rejects duplicate names and reads of undefined blobs") {
  nn::Graph g = toy_graph();
  CHECK_THROWS_WITH(g.add("a", std::make_shared<nn::ReLU>("a"), {"data"}), Catch::Contains("a is defined twice"));
  CHECK_THROWS_WITH(g.add("z", std::make_shared<nn::ReLU>("z"), {"later"}), Catch::Contains("later"));
  CHECK(g.has_blob("data"));
  CHECK(g.has_blob("cat"));
  CHECK_FALSE(g.has_blob("z"));
  CHECK(g.inputs_of("cat") == std::vector<std::string>{"b", "c"});
  CHECK(g.layer("p").kind() == "Pooling(MAX)");
}

TEST_CASE("Graph geometry: shapes, receptive fields and strides by hand") {
  const nn::Graph g = toy_graph();
  std::map<std::string, nn::BlobGeometry> m;
  for (const auto& b : g.geometry({1, 2, 9, 9})) m[b.name] = b;
  CHECK(m.at("a").shape == Shape{1, 4, 9, 9});
  CHECK(m.at("a").receptive_field == 3);
  CHECK(m.at("p").shape == Shape{1, 4, 4, 4});  // ceil((9-3)/2)+1
  CHECK(m.at("p").receptive_field == 5);        // 3 + (3-1)*1
  CHECK(m.at("p").stride == 2);
  CHECK(m.at("b").receptive_field == 5);
  CHECK(m.at("c").shape == Shape{1, 3, 5, 5});  // (9+4-5)/2+1
  CHECK(m.at("c").receptive_field == 5);
  CHECK(m.count("cat") == 0);  // at 9x9 b is 4x4 but c is 5x5: they cannot be concatenated
  std::map<std::string, nn::BlobGeometry> m8;
  for (const auto& b : g.geometry({1, 2, 8, 8})) m8[b.name] = b;
  // 8x8: p = ceil((8-3)/2)+1 = 4, c = (8+4-5)/2+1 = 4: concat works.
  CHECK(m8.at("cat").shape == Shape{1, 6, 4, 4});
  CHECK(m8.at("cat").receptive_field == 5);
  // Too small for the pool: p and everything after it are omitted.
  std::map<std::string, nn::BlobGeometry> m2;
  for (const auto& b : g.geometry({1, 2, 2, 2})) m2[b.name] = b;
  CHECK(m2.count("a") == 1);
  CHECK(m2.count("p") == 0);
  CHECK(m2.count("b") == 0);
}
