//! Zola's shortcode syntax, read from a Markdown body: `{{ name(key=value, …) }}`,
//! `{% name(…) %}body{% end %}` and the escapes `{{/* … */}}` and `{%/* … */%}`. Argument values
//! are strings in `"…"`, `'…'` or `` `…` ``, integers, floats, `true`/`false` and arrays of these.
//! Every piece keeps its byte offset in the body, so problems can name line and column.

use std::collections::HashMap;
use std::ops::Range;

/// A value written as a shortcode argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Literal>),
}

impl Literal {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Literal::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One `key=value` argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub value: Literal,
    /// Byte offset of the value in the body.
    pub at: usize,
}

/// One shortcode invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<Arg>,
    /// From the opening `{{` or `{%` to the closing `}}` or `{% end %}`.
    pub span: Range<usize>,
    /// The block form's body, between its tags, with what it holds.
    pub body: Option<Body>,
    /// How many times a shortcode of this name was invoked in the body up to this one (from 1).
    pub nth: usize,
}

impl Call {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub range: Range<usize>,
    pub items: Vec<Item>,
}

/// A piece of a body.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Text copied as written.
    Text(Range<usize>),
    /// An escaped shortcode (`{{/* x() */}}`), which reads `{{ x() }}` on the page.
    Escaped {
        span: Range<usize>,
        text: String,
    },
    Call(Call),
}

/// Shortcode syntax that cannot be read, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Reads every shortcode of `src` outside the `code` ranges (a shortcode whose opening braces
/// are in code stays text). Escapes are undone everywhere, as Zola does, so content written for
/// Zola reads the same. Returns the pieces and every syntax error found.
pub fn parse(src: &str, code: &[Range<usize>]) -> (Vec<Item>, Vec<SyntaxError>) {
    let mut p = Parser {
        src,
        code,
        counts: HashMap::new(),
        errors: Vec::new(),
    };
    let items = p.items(0..src.len());
    (items, p.errors)
}

struct Parser<'a> {
    src: &'a str,
    code: &'a [Range<usize>],
    counts: HashMap<String, usize>,
    errors: Vec<SyntaxError>,
}

/// A failed read: where and why.
type Fail = (usize, String);

impl Parser<'_> {
    fn in_code(&self, at: usize) -> bool {
        self.code.iter().any(|r| r.contains(&at))
    }

    fn items(&mut self, range: Range<usize>) -> Vec<Item> {
        let mut items = Vec::new();
        let mut text_start = range.start;
        let mut pos = range.start;
        while let Some(found) = self.src[pos..range.end].find('{') {
            let at = pos + found;
            let step = match self.piece(at, range.end) {
                Piece::Text => {
                    pos = at + 1;
                    continue;
                }
                Piece::Skip(len) => {
                    pos = at + len;
                    continue;
                }
                Piece::Item(item, len) => (item, len),
            };
            if text_start < at {
                items.push(Item::Text(text_start..at));
            }
            items.push(step.0);
            pos = at + step.1;
            text_start = pos;
        }
        if text_start < range.end {
            items.push(Item::Text(text_start..range.end));
        }
        items
    }

    /// What starts at `at` (a `{`), reading no further than `end`.
    fn piece(&mut self, at: usize, end: usize) -> Piece {
        let rest = &self.src[at..end];
        if let Some(escaped) = escaped(at, rest) {
            return escaped;
        }
        let block = rest.starts_with("{%");
        if !(block || rest.starts_with("{{")) {
            return Piece::Text;
        }
        if self.in_code(at) {
            return Piece::Skip(2);
        }
        let mut lx = Lexer {
            src: self.src,
            pos: at + 2,
            end,
        };
        lx.ws();
        let Some(name) = lx.ident() else {
            return Piece::Skip(2);
        };
        lx.ws();
        if block && name == "end" && lx.eat("%}") {
            self.error(
                at,
                "多余的 {% end %}：前面没有与它配对的 {% 短代码(…) %}".into(),
            );
            return Piece::Skip(lx.pos - at);
        }
        if !lx.eat("(") {
            return Piece::Skip(2);
        }
        match self.call(at, name, block, &mut lx) {
            Some(piece) => piece,
            None => Piece::Skip(2),
        }
    }

    /// The invocation of `name` opened at `at`, its arguments next for `lx` to read; `None`
    /// when they cannot be read (reported).
    fn call(&mut self, at: usize, name: &str, block: bool, lx: &mut Lexer<'_>) -> Option<Piece> {
        let close = if block { "%}" } else { "}}" };
        let args = lx.args(name).and_then(|args| {
            lx.ws();
            if lx.eat(close) {
                Ok(args)
            } else {
                Err((lx.pos, format!("短代码 `{name}(…)` 后面应是 {close}")))
            }
        });
        let args = match args {
            Ok(args) => args,
            Err((offset, message)) => {
                self.error(offset, message);
                return None;
            }
        };
        let count = self.counts.entry(name.to_string()).or_insert(0);
        *count += 1;
        let call = Call {
            name: name.to_string(),
            args,
            span: at..lx.pos,
            body: None,
            nth: *count,
        };
        if block {
            return Some(self.body(call, lx.end));
        }
        let len = call.span.len();
        Some(Piece::Item(Item::Call(call), len))
    }

    /// A block's body, from the end of its opening tag to the first `{% end %}`.
    fn body(&mut self, mut call: Call, end: usize) -> Piece {
        let (at, body_start) = (call.span.start, call.span.end);
        let Some((end_at, end_len)) = self.find_end(body_start, end) else {
            self.error(
                at,
                format!(
                    "短代码 `{0}` 缺少结尾的 {{% end %}}：带正文的短代码写成 {{% {0}(…) %}}正文{{% end %}}",
                    call.name
                ),
            );
            return Piece::Skip(body_start - at);
        };
        call.body = Some(Body {
            range: body_start..end_at,
            items: self.items(body_start..end_at),
        });
        call.span = at..end_at + end_len;
        Piece::Item(Item::Call(call), end_at + end_len - at)
    }

    /// The first `{% end %}` from `from` that is not in code: its offset and length.
    fn find_end(&self, from: usize, end: usize) -> Option<(usize, usize)> {
        let mut pos = from;
        while let Some(i) = self.src[pos..end].find("{%") {
            let at = pos + i;
            let mut lx = Lexer {
                src: self.src,
                pos: at + 2,
                end,
            };
            lx.ws();
            let is_end = lx.ident() == Some("end") && {
                lx.ws();
                lx.eat("%}")
            };
            if is_end && !self.in_code(at) {
                return Some((at, lx.pos - at));
            }
            pos = at + 2;
        }
        None
    }

    fn error(&mut self, offset: usize, message: String) {
        self.errors.push(SyntaxError { offset, message });
    }
}

/// An escaped shortcode at the start of `rest` (found at `at`): `{{/* x() */}}` reads `{{ x() }}`.
fn escaped(at: usize, rest: &str) -> Option<Piece> {
    for (open, close, shown) in [
        ("{{/*", "*/}}", ("{{", "}}")),
        ("{%/*", "*/%}", ("{%", "%}")),
    ] {
        if let Some(inner) = rest.strip_prefix(open)
            && let Some(stop) = inner.find(close)
        {
            let text = format!("{}{}{}", shown.0, &inner[..stop], shown.1);
            let len = open.len() + stop + close.len();
            let span = at..at + len;
            return Some(Piece::Item(Item::Escaped { span, text }, len));
        }
    }
    None
}

enum Piece {
    /// Not a shortcode: a `{` of the text.
    Text,
    /// Text too, of this length (shortcode-like braces left as written).
    Skip(usize),
    /// A shortcode or an escape, of this length.
    Item(Item, usize),
}

/// Reads tokens of one invocation.
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    end: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..self.end]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, as Zola names shortcodes and arguments.
    fn ident(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        Some(&rest[..len])
    }

    /// The arguments after `(`, up to and including `)`.
    fn args(&mut self, name: &str) -> Result<Vec<Arg>, Fail> {
        let mut args: Vec<Arg> = Vec::new();
        loop {
            self.ws();
            if self.eat(")") {
                return Ok(args);
            }
            let key_at = self.pos;
            let Some(key) = self.ident() else {
                return Err(self.unexpected(&format!(
                    "短代码 `{name}` 的参数应写成 名字=值，如 src=\"photo.jpg\""
                )));
            };
            if args.iter().any(|a| a.name == key) {
                return Err((key_at, format!("短代码 `{name}` 的参数 `{key}` 写了两次")));
            }
            self.ws();
            if !self.eat("=") {
                return Err(self.unexpected(&format!("参数 `{key}` 后面应写 = 和它的值")));
            }
            self.ws();
            let at = self.pos;
            let value = self.literal(key)?;
            args.push(Arg {
                name: key.to_string(),
                value,
                at,
            });
            self.ws();
            if self.eat(",") {
                continue;
            }
            if self.peek() != Some(')') {
                return Err(self.unexpected("参数之间要用英文逗号 , 分开，最后以 ) 结束"));
            }
        }
    }

    /// An argument value.
    fn literal(&mut self, key: &str) -> Result<Literal, Fail> {
        let at = self.pos;
        let rest = self.rest();
        match self.peek() {
            Some(q @ ('"' | '\'' | '`')) => {
                let Some(close) = rest[1..].find(q) else {
                    return Err((at, format!("参数 `{key}` 的文字缺少结尾的 {q}")));
                };
                self.pos += close + 2;
                Ok(Literal::Str(rest[1..1 + close].to_string()))
            }
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.eat("]") {
                        return Ok(Literal::Array(items));
                    }
                    items.push(self.literal(key)?);
                    self.ws();
                    if !self.eat(",") && self.peek() != Some(']') {
                        return Err(self.unexpected(&format!(
                            "参数 `{key}` 的列表里，各项之间要用英文逗号 , 分开，最后以 ] 结束"
                        )));
                    }
                }
            }
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(key),
            _ => match self.ident() {
                Some("true") => Ok(Literal::Bool(true)),
                Some("false") => Ok(Literal::Bool(false)),
                _ => {
                    self.pos = at;
                    Err(self.unexpected(&format!(
                        "参数 `{key}` 的值无法识别：文字要放在英文引号里（\"…\"），也可以是数字、true、false 或 [列表]"
                    )))
                }
            },
        }
    }

    fn number(&mut self, key: &str) -> Result<Literal, Fail> {
        let at = self.pos;
        let rest = self.rest();
        let sign = usize::from(rest.starts_with('-'));
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let whole = digits(&rest[sign..]);
        let mut len = sign + whole;
        let mut float = false;
        if rest[len..].starts_with('.') && digits(&rest[len + 1..]) > 0 {
            len += 1 + digits(&rest[len + 1..]);
            float = true;
        }
        let text = &rest[..len];
        let bad = || (at, format!("参数 `{key}` 的数字 `{text}` 写法有误"));
        if whole == 0 {
            return Err(bad());
        }
        self.pos += len;
        if float {
            text.parse().map(Literal::Float).map_err(|_| bad())
        } else {
            text.parse().map(Literal::Int).map_err(|_| bad())
        }
    }

    /// An error at the current character, with a hint when it is Chinese punctuation.
    fn unexpected(&self, message: &str) -> Fail {
        let hint = match self.peek() {
            Some(c @ ('“' | '”' | '‘' | '’' | '，' | '（' | '）' | '＝' | '【' | '】')) =>
            {
                format!("（这里是中文标点 {c}，短代码里要用英文标点）")
            }
            None => "（短代码没有写完）".to_string(),
            _ => String::new(),
        };
        (self.pos, format!("{message}{hint}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(items: &[Item]) -> Vec<&Call> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Call(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn reads_inline_and_block_shortcodes_with_every_value_type() {
        let src = "前 {{ figure(src=\"a.jpg\", n=-3, x=1.5, ok=true, list=['a', `b`]) }} 中\n\
                   {% note(kind='warn') %}\n正文 {{ qr() }}\n{% end %}\n后";
        let (items, errors) = parse(src, &[]);
        assert_eq!(errors, []);
        let c = calls(&items);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].name, "figure");
        let values: Vec<_> = c[0].args.iter().map(|a| a.value.clone()).collect();
        assert_eq!(
            values,
            [
                Literal::Str("a.jpg".into()),
                Literal::Int(-3),
                Literal::Float(1.5),
                Literal::Bool(true),
                Literal::Array(vec![Literal::Str("a".into()), Literal::Str("b".into())]),
            ]
        );
        assert_eq!(c[0].args[0].at, src.find("\"a.jpg").unwrap());
        assert_eq!(
            &src[c[0].span.clone()],
            "{{ figure(src=\"a.jpg\", n=-3, x=1.5, ok=true, list=['a', `b`]) }}"
        );
        let body = c[1].body.as_ref().unwrap();
        assert_eq!(&src[body.range.clone()], "\n正文 {{ qr() }}\n");
        assert_eq!(calls(&body.items)[0].name, "qr");
        assert!(src[c[1].span.clone()].ends_with("{% end %}"));
    }

    #[test]
    fn counts_invocations_of_each_name() {
        let (items, _) = parse("{{ a() }}{{ b() }}{{ a() }}", &[]);
        let nth: Vec<_> = calls(&items)
            .iter()
            .map(|c| (c.name.clone(), c.nth))
            .collect();
        assert_eq!(nth, [("a".into(), 1), ("b".into(), 1), ("a".into(), 2)]);
    }

    #[test]
    fn code_and_non_calls_stay_text_and_escapes_are_undone() {
        let src = "`{{ a() }}` {{ 变量 }} {{ x }} {{/* b(k=1) */}} {%/* c() */%}";
        let (items, errors) = parse(src, &crate::markdown::code_ranges(src));
        assert_eq!(errors, []);
        assert!(calls(&items).is_empty());
        let escaped: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Escaped { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(escaped, ["{{ b(k=1) }}", "{% c() %}"]);
    }

    #[test]
    fn syntax_errors_say_where() {
        let cases = [
            ("{{ a(src=photo) }}", "{{ a(src=".len(), "无法识别"),
            ("{{ a(src=“x”) }}", "{{ a(src=".len(), "中文标点"),
            ("{{ a(x=1 y=2) }}", "{{ a(x=1 ".len(), "逗号"),
            ("{{ a(x=1, x=2) }}", "{{ a(x=1, ".len(), "两次"),
            ("{{ a(x=\"open) }}", "{{ a(x=".len(), "结尾的 \""),
            ("{{ a() %}", "{{ a() ".len(), "}}"),
            ("{% a() %}正文", 0, "{% end %}"),
            ("文字 {% end %}", "文字 ".len(), "多余"),
        ];
        for (src, offset, says) in cases {
            let (_, errors) = parse(src, &[]);
            assert_eq!(errors.len(), 1, "{src}: {errors:?}");
            assert_eq!(errors[0].offset, offset, "{src}");
            assert!(
                errors[0].message.contains(says),
                "{src}: {}",
                errors[0].message
            );
        }
    }

    #[test]
    fn an_end_in_code_does_not_close_a_block() {
        let src = "{% a() %}\n`{% end %}`\n{% end %}";
        let (items, errors) = parse(src, &crate::markdown::code_ranges(src));
        assert_eq!(errors, []);
        assert_eq!(calls(&items)[0].span, 0..src.len());
    }
}
