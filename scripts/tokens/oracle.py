#!/usr/bin/env python3
"""The token-count oracle: bpe-openai's exact tokenizer over a generated corpus and over inputs/.

  oracle.py corpus OUT.jsonl [--scale N] [--seed S]   writes the corpus: one line per text,
      {"kind": ..., "text": ..., "o200k_base": n, "cl100k_base": n}
      kinds: english, portuguese, code, cjk, emoji, edge (the patterns' corner cases), docs (the paragraphs
      of the repository's README, docs/ and prompts/), inputs (every
      message content, input, prompt and instructions string of inputs/*.jsonl)
  oracle.py requests OUT.jsonl FILE.jsonl...   writes {"line": request line, "o200k_base": n, "cl100k_base": n}
      with the request-level rule of RequestTokenCounter (docs/ARCHITECTURE.md § Jobs) computed here from
      bpe-openai's counts: a check of the rule's implementation, not of OpenAI's billing.
  oracle.py sample-requests OUT.jsonl        writes request lines of every shape the counter reads (chat with
      names and parts, responses items, embeddings strings and token arrays, completions, moderations),
      their texts drawn from the corpus, for `requests`
  oracle.py tokenizer-dir                  prints the folder holding bpe-openai's *.tiktoken.gz

The corpus is generated from a fixed seed, so every run writes the same file.
"""
import json
import os
import random
import sys

from bpe_openai import _bindings

ENCODINGS = ("o200k_base", "cl100k_base")

ENGLISH = """the of and to in is was that for it with as his on be at by had this not are but from or have an
they which one you were her all she there would their we him been has when who will more no if out so said
what up its about into than them can only other new some could time these two may then do first any my now
such like our over man me even most made after also did many before must through back years where much your
way well down should because each just those people how too little state good very make world still own see
men work long get here between both life being under never day same another know while last might us great
old year off come since against go came right used take three himself few house use during without again
place around however home small found thought went say part once general high upon school every don't does
won't isn't it's I'm you're we've they'll she'd HTTP Server JSONDecoder iPhone McDonald's O'Reilly NASA's
request batch token model tokenizer throughput latency budget enqueued validation pipeline deterministic""".split()

PORTUGUESE = """o a os as de do da dos das em no na nos nas um uma para com por que não é são foi ser está estão
isso este esta esse essa aquele como mais mas ou se já também muito muita quando onde porque então ainda
ação atenção informação configuração função solução avaliação situação coração mãe pão irmão órgão
você vocês nós eles elas ele ela seu sua meu minha nosso nossa até após através além público política
análise código método classe serviço usuário relatório saída entrada arquivo diretório número página
começar terminar escrever ler processar validar enviar receber calcular explicar resumir descrever
fácil difícil rápido lento útil inútil possível impossível próximo último único crédito débito""".split()

CODE_LINES = [
    "import Foundation",
    "func {name}(_ {arg}: [{type}]) throws -> {type}? {{",
    "    guard let first = {arg}.first else {{ return nil }}",
    "    for (index, value) in {arg}.enumerated() where value != first {{",
    "        print(\"\\(index): \\(value)\")",
    "    }}",
    "}}",
    "def {name}(self, {arg}: list[{type}]) -> dict[str, int]:",
    "    return {{k: v for k, v in zip({arg}, range(len({arg})))}}",
    "const {name} = async ({arg}) => {{ await fetch(`/api/${{{arg}}}`); }};",
    "if (x >= 0x7FFF && y <= -1.5e-3 || !z) {{ return a[i++] + b[--j]; }}",
    "SELECT id, name FROM users WHERE created_at > '2024-01-01' ORDER BY id DESC;",
    "#include <stdio.h>\n\tint main(void) {{ printf(\"%d\\n\", 42); return 0; }}",
    "// TODO: handle the {name} case\r\n/* multi-line\r\n   comment */",
    "public struct {type}: Codable, Sendable {{ public var {arg}: Int = 123456789 }}",
    "    <div class=\"{name}\"><a href=\"https://example.com/{arg}?q=1&r=2\">link</a></div>",
    "$ curl -s -X POST http://127.0.0.1:8000/batches/run -H 'Content-Type: application/json' | jq .",
]
NAMES = ["parseRequestLine", "count_tokens", "BatchCoordinator", "make_url", "x", "HTTPServer", "iOSApp", "snake_case_name"]
TYPES = ["Int", "String", "UInt8", "JSONValue", "int", "str", "Optional[bytes]"]

CJK = ("日本語のテキストを処理します。東京は日本の首都です。私はプログラマーです。"
       "中文文本处理。北京是中国的首都。我们正在测试分词器的准确性。"
       "한국어 텍스트 처리. 서울은 대한민국의 수도입니다. 토큰 수를 셉니다."
       "漢字、ひらがな、カタカナ、全角スペース　と句読点！？「」『』（）")

EMOJI = ["😀", "😂", "👍", "👍🏽", "❤️", "🔥", "🚀", "🇧🇷", "🇯🇵", "👨‍👩‍👧‍👦", "🧑🏿‍💻", "✅", "⚠️", "🎉", "🤖", "🙏🏻",
         "☕", "🌍", "💡", "📦", "🐍", "🦀", "⭐", "1️⃣", "#️⃣", "©", "™", "→", "∑", "≥", "°C", "€", "£", "¥"]

EDGE = [
    "", " ", "  ", "\n", "\r\n", "\n\n\n", "   \n  \n ", "a  b", "a \n b", "end with spaces   ", "tabs\t\tand\tspaces",
    "don't won't I'M YOU'RE we'VE they'LL she'D it's Ain'T", "'s 't 're", "x'sy", "ſ 'ſ Iſ tho'ſe",
    "HTTPServer XMLHttpRequest iOS macOS JSONDecoder ABCdef abcDEF Ǆemo ǅungla",
    "1 12 123 1234 12345 123456 1234567 3.14159 1,000,000 ½ ² ٣٤٥ ४२ Ⅻ",
    "e\u0301 cafe\u0301 \u0301\u0301x nai\u0308ve \u0301 a\u0308\u0308\u0308b",
    "Hello, world! ... ?! -- :: // \\\\ |> <= => ===", " ?! ,,\n\n/ //\n/x", "x\u00a0y \u3000z \u2003w \u200bq \u0085n \u2028 \u2029",
    "$$$ ### @@@ ^^^ ~~~ ``` ''' \"\"\"", "a\rb\r\rc", "😀😀😀 👨‍👩‍👧 🇧🇷🇧🇷", "ﾊﾝｶｸ ｶﾀｶﾅ", "Ελληνικά κείμενο Русский текст עברית العربية हिन्दी ไทย",
    "a" * 300, "ab" * 200, " " * 100 + "x", "\n" * 50, "0" * 40, "🙂" * 60, "日本" * 120, "https://example.com/" + "a/b/" * 30,
    "C'est l'été. L'Ô. N'est-ce pas?", "ÀÉÎÕÜ àéîõü ÇÑ çñ Straße ĲSSEL ǈ ǋ", "mixedUPPERlower CamelCaseWord lowerUpper UPPER_CASE",
    "\t\tindented\n\t\t\tcode();\n", "trailing newline\n", "  leading spaces", "x \t\n y", "!\n\n", "?\r\n\r\n/",
]


def english(rng, words):
    out = []
    for _ in range(rng.randint(3, 12)):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(4, 18)))
        sentence = sentence[0].upper() + sentence[1:]
        out.append(sentence + rng.choice([".", ".", ".", "?", "!", ":", ";", "..."]))
    joiner = rng.choice([" ", " ", "\n", "\n\n"])
    return joiner.join(out)


def code(rng):
    lines = []
    for _ in range(rng.randint(4, 20)):
        template = rng.choice(CODE_LINES)
        lines.append(template.format(name=rng.choice(NAMES), arg=rng.choice(["values", "xs", "req", "i"]),
                                     type=rng.choice(TYPES)))
    return "\n".join(lines)


def cjk(rng):
    start = rng.randrange(len(CJK))
    length = rng.randint(10, 200)
    text = (CJK * 3)[start:start + length]
    if rng.random() < 0.3:
        text += " " + english(rng, ENGLISH)[:80]
    return text


def emoji(rng):
    parts = []
    for _ in range(rng.randint(5, 40)):
        parts.append(rng.choice(EMOJI) * rng.randint(1, 3))
        if rng.random() < 0.5:
            parts.append(" " + rng.choice(ENGLISH))
    return "".join(parts) if rng.random() < 0.5 else " ".join(parts)


def request_texts(path):
    """Every text of a request line the counter reads."""
    texts = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            if not raw.strip():
                continue
            body = json.loads(raw).get("body", {})
            for message in body.get("messages", []) or []:
                content = message.get("content")
                if isinstance(content, str):
                    texts.append(content)
                elif isinstance(content, list):
                    texts += [part.get("text", "") for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)]
            for key in ("input", "prompt", "instructions"):
                value = body.get(key)
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, list):
                    texts += [item for item in value if isinstance(item, str)]
    return texts


def corpus(scale, seed=12):
    rng = random.Random(seed)
    items = [("edge", text) for text in EDGE]
    # Long pieces (merged through the heap): a run of one letter, a DNA-like sequence, a base64-like blob.
    items.append(("edge", "x" * 5000))
    items.append(("edge", "".join(rng.choice("ACGTacgt") for _ in range(5000))))
    items.append(("edge", "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(4000))))
    for _ in range(60 * scale):
        items.append(("english", english(rng, ENGLISH)))
        items.append(("portuguese", english(rng, PORTUGUESE)))
        items.append(("code", code(rng)))
        items.append(("cjk", cjk(rng)))
        items.append(("emoji", emoji(rng)))
    # Real prose and code: the repository's own documentation and prompts, a paragraph a text.
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    for folder in ("", "docs", "prompts"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if name.endswith(".md"):
                with open(os.path.join(root, folder, name), encoding="utf-8") as handle:
                    items += [("docs", paragraph) for paragraph in handle.read().split("\n\n") if paragraph.strip()]
    inputs = os.path.join(os.path.dirname(__file__), "..", "..", "inputs")
    for name in sorted(os.listdir(inputs)):
        if name.endswith(".jsonl"):
            items += [("inputs", text) for text in request_texts(os.path.join(inputs, name))]
    return items


def tokenizers():
    return {name: _bindings.tokenizer_for_encoding(name) for name in ENCODINGS}


def write_corpus(out, scale, seed):
    counters = tokenizers()
    with open(out, "w", encoding="utf-8") as handle:
        for kind, text in corpus(scale, seed):
            record = {"kind": kind, "text": text}
            for name, tokenizer in counters.items():
                record[name] = tokenizer.count(text)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def request_tokens(body, count):
    """The rule of RequestTokenCounter, over one request body (see its documentation)."""
    total = 0
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            total += 3
            for key, value in message.items():
                if key == "content" and isinstance(value, list):
                    total += sum(count(part["text"]) for part in value if isinstance(part, dict) and isinstance(part.get("text"), str))
                elif key in ("role", "content", "name") and isinstance(value, str):
                    total += count(value) + (1 if key == "name" else 0)
        total += 3
    for key in ("input", "prompt"):
        value = body.get(key)
        if isinstance(value, str):
            total += count(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    total += count(item)
                elif isinstance(item, int):
                    total += 1
                elif isinstance(item, list):
                    total += len(item)
                elif isinstance(item, dict):
                    if isinstance(item.get("role"), str):
                        total += 3 + count(item["role"])
                    content = item.get("content")
                    if isinstance(content, str):
                        total += count(content)
                    elif isinstance(content, list):
                        total += sum(count(part["text"]) for part in content if isinstance(part, dict) and isinstance(part.get("text"), str))
                    if isinstance(item.get("text"), str):
                        total += count(item["text"])
    if isinstance(body.get("instructions"), str):
        total += count(body["instructions"])
    return total


def write_requests(out, paths):
    counters = tokenizers()
    with open(out, "w", encoding="utf-8") as handle:
        for path in paths:
            with open(path, encoding="utf-8") as lines:
                for raw in lines:
                    raw = raw.rstrip("\n")
                    if not raw.strip():
                        continue
                    body = json.loads(raw).get("body", {})
                    record = {"line": raw}
                    for name, tokenizer in counters.items():
                        record[name] = request_tokens(body, tokenizer.count)
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_sample_requests(out):
    rng = random.Random(7)
    texts = [text for _, text in corpus(1)]
    lines = []
    for index in range(300):
        pick = lambda: rng.choice(texts)
        model = rng.choice(["gpt-4o-mini", "gpt-4.1", "gpt-5-nano", "o3-mini", "gpt-4-turbo", "gpt-3.5-turbo"])
        shape = index % 6
        if shape == 0:
            messages = [{"role": "system", "content": pick()}, {"role": "user", "content": pick()}]
            if rng.random() < 0.3:
                messages.append({"role": "user", "name": "ana", "content": [{"type": "text", "text": pick()},
                                 {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]})
            line = {"url": "/v1/chat/completions", "body": {"model": model, "messages": messages, "max_tokens": 256}}
        elif shape == 1:
            line = {"url": "/v1/responses", "body": {"model": model, "instructions": pick(), "input": [
                {"role": "user", "content": [{"type": "input_text", "text": pick()}]},
                {"type": "message", "role": "assistant", "content": pick()}], "max_output_tokens": 100}}
        elif shape == 2:
            line = {"url": "/v1/responses", "body": {"model": model, "input": pick()}}
        elif shape == 3:
            embedding = rng.choice(["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"])
            value = rng.choice([pick(), [pick(), pick()], [rng.randrange(100000) for _ in range(rng.randint(1, 9))],
                                [[1, 2, 3], [4, 5]]])
            line = {"url": "/v1/embeddings", "body": {"model": embedding, "input": value}}
        elif shape == 4:
            line = {"url": "/v1/completions", "body": {"model": "gpt-3.5-turbo-instruct", "prompt": pick(), "max_tokens": 16}}
        else:
            line = {"url": "/v1/moderations", "body": {"model": "gpt-4o-mini", "input": [{"type": "text", "text": pick()}]}}
        line = {"custom_id": f"sample-{index}", "method": "POST", **line}
        lines.append(json.dumps(line, ensure_ascii=rng.random() < 0.5))
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "corpus":
        scale = int(argv[argv.index("--scale") + 1]) if "--scale" in argv else 1
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 12
        write_corpus(argv[1], scale, seed)
    elif len(argv) >= 3 and argv[0] == "requests":
        write_requests(argv[1], argv[2:])
    elif len(argv) == 2 and argv[0] == "sample-requests":
        write_sample_requests(argv[1])
    elif argv == ["tokenizer-dir"]:
        import bpe_openai.data
        print(os.path.dirname(bpe_openai.data.__file__))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
