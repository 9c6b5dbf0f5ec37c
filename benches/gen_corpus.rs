//! Benchmark corpus generator: writes contract-valid portals of any size with realistic Chinese
//! text (`--pledges N --news M`), or the plain-Markdown workload that Hugo can build too
//! (`--plain N`), deterministically for a given `--seed`.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --pledges 10000 --news 20000 --seed 1 --out /tmp/p10k
//! cargo run --release --example gen-corpus -- --plain 10000 --seed 1 --out /tmp/plain10k
//! ```
//!
//! Portal: 50 pledges per report, five consecutive yearly reports per jurisdiction, every
//! jurisdiction one of a city with four counties; each pledge's `text` is a clause written into
//! its report's body under a section heading; news items quote evidence sentences of their own
//! body in `updates`; indicator files cite the reports and news items.
//!
//! Plain: N pages in 20 section folders of `content/news/`, ~600 Chinese characters each with a
//! heading, a list, a table and links, front matter `title`, `date` and `jurisdictions: [one
//! category]`. The same files build with duixian (news items, theme `plain` written beside them)
//! and with Hugo (`hugo.toml` + `layouts/` written beside them; `contentDir = "content/news"`,
//! taxonomy `jurisdictions`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub pledges: usize,
    pub news: usize,
    pub plain: Option<usize>,
    pub seed: u64,
    pub out: PathBuf,
}

/// What was written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
}

#[allow(dead_code)] // tests/suite/main.rs includes this file as a module and calls `generate`
fn main() -> std::process::ExitCode {
    match parse_args(std::env::args().skip(1))
        .and_then(|o| generate(&o).map_err(|e| format!("cannot write `{}`: {e}", o.out.display())))
    {
        Ok(w) => {
            eprintln!("wrote {} files, {} bytes", w.files, w.bytes);
            std::process::ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("gen-corpus: {msg}");
            eprintln!(
                "usage: gen-corpus (--pledges N [--news M] | --plain N) [--seed S] --out DIR"
            );
            std::process::ExitCode::FAILURE
        }
    }
}

#[allow(dead_code)]
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut o = Options {
        pledges: 0,
        news: 0,
        plain: None,
        seed: 1,
        out: PathBuf::new(),
    };
    let mut news_given = false;
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let num = |s: String, name: &str| {
            s.parse::<u64>()
                .map_err(|_| format!("{name} takes a whole number, not `{s}`"))
        };
        match a.as_str() {
            "--pledges" => o.pledges = num(value(&a)?, &a)? as usize,
            "--news" => {
                o.news = num(value(&a)?, &a)? as usize;
                news_given = true;
            }
            "--plain" => o.plain = Some(num(value(&a)?, &a)? as usize),
            "--seed" => o.seed = num(value(&a)?, &a)?,
            "--out" => o.out = PathBuf::from(value(&a)?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if o.out.as_os_str().is_empty() {
        return Err("--out DIR is required".into());
    }
    if o.plain.is_none() && o.pledges == 0 {
        return Err("give --pledges N (N ≥ 1) or --plain N".into());
    }
    if !news_given {
        o.news = o.pledges * 2;
    }
    Ok(o)
}

/// Write the corpus into `opts.out`, which must not exist or be empty.
pub fn generate(opts: &Options) -> io::Result<Written> {
    if opts.out.exists() && std::fs::read_dir(&opts.out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the output folder is not empty",
        ));
    }
    let mut w = Writer {
        root: opts.out.clone(),
        dirs: BTreeSet::new(),
        written: Written::default(),
    };
    let mut rng = Rng(opts.seed ^ 0x6475_6978_6961_6e00);
    match opts.plain {
        Some(n) => plain(&mut w, &mut rng, n)?,
        None => portal(&mut w, &mut rng, opts.pledges, opts.news)?,
    }
    Ok(w.written)
}

struct Writer {
    root: PathBuf,
    dirs: BTreeSet<PathBuf>,
    written: Written,
}

impl Writer {
    fn put(&mut self, rel: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent()
            && !self.dirs.contains(parent)
        {
            std::fs::create_dir_all(parent)?;
            self.dirs.insert(parent.to_path_buf());
        }
        std::fs::write(&path, text)?;
        self.written.files += 1;
        self.written.bytes += text.len() as u64;
        Ok(())
    }
}

/// SplitMix64: tiny, and its sequence never changes with a dependency's version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: phrases as they occur in Chinese government work reports and local news.

const CHINESE_NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// (characters, pinyin) for the two halves of place names.
const PLACE_A: &[(&str, &str)] = &[
    ("漯", "luo"),
    ("平", "ping"),
    ("许", "xu"),
    ("周", "zhou"),
    ("驻", "zhu"),
    ("信", "xin"),
    ("南", "nan"),
    ("商", "shang"),
    ("开", "kai"),
    ("洛", "luo"),
    ("安", "an"),
    ("鹤", "he"),
    ("新", "xin"),
    ("焦", "jiao"),
    ("濮", "pu"),
    ("济", "ji"),
    ("临", "lin"),
    ("汝", "ru"),
    ("舞", "wu"),
    ("郏", "jia"),
    ("叶", "ye"),
    ("鲁", "lu"),
    ("宝", "bao"),
    ("卫", "wei"),
    ("嵩", "song"),
    ("伊", "yi"),
    ("栾", "luan"),
    ("淮", "huai"),
    ("固", "gu"),
    ("息", "xi"),
];

const PLACE_B: &[(&str, &str)] = &[
    ("河", "he"),
    ("阳", "yang"),
    ("丘", "qiu"),
    ("口", "kou"),
    ("山", "shan"),
    ("川", "chuan"),
    ("城", "cheng"),
    ("源", "yuan"),
    ("水", "shui"),
    ("宁", "ning"),
    ("丰", "feng"),
    ("陵", "ling"),
    ("县", "xian"),
    ("州", "zhou"),
    ("桥", "qiao"),
    ("林", "lin"),
    ("泉", "quan"),
    ("峰", "feng"),
    ("原", "yuan"),
    ("明", "ming"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "建国", "志强", "海涛", "丽华", "卫东", "晓明", "国庆", "红梅", "振华", "文斌", "秀英", "新民",
];

/// (id, name, department suffix, section heading)
const CATEGORIES: &[(&str, &str, &str, &str)] = &[
    (
        "economy",
        "经济发展",
        "发展和改革委员会",
        "坚持项目为王，推动经济质效提升",
    ),
    (
        "industry",
        "产业升级",
        "工业和信息化局",
        "坚持创新驱动，加快产业转型升级",
    ),
    (
        "urban",
        "城市建设",
        "住房和城乡建设局",
        "注重内外兼修，提升城市品质",
    ),
    (
        "rural",
        "乡村振兴",
        "农业农村局",
        "全面推进乡村振兴，加快农业农村现代化",
    ),
    (
        "ecology",
        "生态环境",
        "生态环境局",
        "坚持绿色发展，持续改善生态环境",
    ),
    (
        "livelihood",
        "民生保障",
        "人力资源和社会保障局",
        "坚持以人民为中心，加强民生保障",
    ),
    (
        "education",
        "教育卫生",
        "教育局",
        "办好人民满意的教育，建设健康城市",
    ),
    (
        "reform",
        "改革开放",
        "商务局",
        "深化改革扩大开放，持续优化营商环境",
    ),
    (
        "safety",
        "安全稳定",
        "应急管理局",
        "统筹发展和安全，维护社会大局稳定",
    ),
];

/// A kind of quantified pledge: how the clause reads and what its target is.
struct Kind {
    slug: &'static str,
    metric: &'static str,
    /// The words before the number (`改造老旧小区`).
    verb: &'static str,
    unit: &'static str,
    lo: u32,
    hi: u32,
    /// Values are tenths (`7.5`) rather than whole numbers.
    tenths: bool,
    category: usize,
    /// A cap (`控制在…以内`): the qualifier is `at_most`.
    cap: bool,
}

const fn k(
    slug: &'static str,
    metric: &'static str,
    verb: &'static str,
    unit: &'static str,
    lo: u32,
    hi: u32,
    category: usize,
) -> Kind {
    Kind {
        slug,
        metric,
        verb,
        unit,
        lo,
        hi,
        tenths: false,
        category,
        cap: false,
    }
}

const fn rate(
    slug: &'static str,
    metric: &'static str,
    verb: &'static str,
    unit: &'static str,
    lo: u32,
    hi: u32,
    category: usize,
) -> Kind {
    Kind {
        slug,
        metric,
        verb,
        unit,
        lo,
        hi,
        tenths: true,
        category,
        cap: false,
    }
}

const fn cap(
    slug: &'static str,
    metric: &'static str,
    verb: &'static str,
    unit: &'static str,
    lo: u32,
    hi: u32,
    category: usize,
) -> Kind {
    Kind {
        slug,
        metric,
        verb,
        unit,
        lo,
        hi,
        tenths: true,
        category,
        cap: true,
    }
}

const KINDS: &[Kind] = &[
    rate(
        "gdp-growth",
        "地区生产总值增速",
        "地区生产总值增长",
        "%",
        45,
        80,
        0,
    ),
    rate(
        "fixed-investment",
        "固定资产投资增速",
        "固定资产投资增长",
        "%",
        50,
        110,
        0,
    ),
    rate(
        "retail-growth",
        "社会消费品零售总额增速",
        "社会消费品零售总额增长",
        "%",
        50,
        90,
        0,
    ),
    rate(
        "revenue-growth",
        "一般公共预算收入增速",
        "一般公共预算收入增长",
        "%",
        30,
        80,
        0,
    ),
    k(
        "key-projects",
        "省市重点项目",
        "实施省市重点项目",
        "个",
        60,
        320,
        0,
    ),
    k(
        "investment-attraction",
        "招商引资",
        "引进省外资金",
        "亿元",
        120,
        650,
        0,
    ),
    rate(
        "industrial-growth",
        "规上工业增加值增速",
        "规上工业增加值增长",
        "%",
        50,
        95,
        1,
    ),
    k(
        "high-tech-firms",
        "高新技术企业",
        "新增高新技术企业",
        "家",
        20,
        160,
        1,
    ),
    k("base-stations", "5G基站", "新建5G基站", "个", 300, 3200, 1),
    rate(
        "rd-intensity",
        "研发经费投入强度",
        "研发经费投入强度达到",
        "%",
        15,
        30,
        1,
    ),
    k(
        "old-communities",
        "老旧小区改造",
        "改造老旧小区",
        "个",
        20,
        220,
        2,
    ),
    k(
        "heating-pipes",
        "供热管网",
        "新建供热管网",
        "公里",
        5,
        60,
        2,
    ),
    k(
        "parking-spaces",
        "停车泊位",
        "新增停车泊位",
        "个",
        1000,
        9000,
        2,
    ),
    k(
        "shanty-towns",
        "棚户区改造安置房",
        "新开工棚户区改造安置房",
        "套",
        800,
        5200,
        2,
    ),
    k("pocket-parks", "口袋公园", "建设口袋公园", "个", 10, 60, 2),
    k("charging-piles", "充电桩", "新建充电桩", "个", 500, 5000, 2),
    k(
        "rental-housing",
        "保障性租赁住房",
        "筹集保障性租赁住房",
        "套",
        500,
        4200,
        2,
    ),
    k("farmland", "高标准农田", "建成高标准农田", "万亩", 5, 40, 3),
    k(
        "rural-roads",
        "农村公路",
        "新改建农村公路",
        "公里",
        50,
        520,
        3,
    ),
    k(
        "grain-output",
        "粮食总产量",
        "粮食总产量稳定在",
        "万吨",
        80,
        300,
        3,
    ),
    k("afforestation", "造林", "完成造林", "万亩", 1, 12, 4),
    k(
        "sewage-pipes",
        "污水管网",
        "新建改造污水管网",
        "公里",
        10,
        120,
        4,
    ),
    k(
        "good-air-days",
        "空气质量优良天数",
        "空气质量优良天数达到",
        "天",
        230,
        300,
        4,
    ),
    cap(
        "pm25",
        "PM2.5平均浓度",
        "PM2.5平均浓度控制在",
        "微克/立方米",
        300,
        500,
        4,
    ),
    rate(
        "urban-jobs",
        "城镇新增就业",
        "城镇新增就业",
        "万人",
        10,
        80,
        5,
    ),
    k(
        "elderly-beds",
        "养老床位",
        "新增养老床位",
        "张",
        200,
        2200,
        5,
    ),
    rate(
        "skills-training",
        "职业技能培训",
        "开展职业技能培训",
        "万人次",
        10,
        150,
        5,
    ),
    cap(
        "unemployment",
        "城镇调查失业率",
        "城镇调查失业率控制在",
        "%",
        45,
        55,
        5,
    ),
    k("schools", "中小学建设", "新建改扩建中小学", "所", 5, 32, 6),
    k(
        "kindergartens",
        "公办幼儿园",
        "新建公办幼儿园",
        "所",
        3,
        22,
        6,
    ),
    k(
        "clinics",
        "村卫生室标准化",
        "完成村卫生室标准化建设",
        "个",
        30,
        260,
        6,
    ),
    k(
        "cultural-shows",
        "文化惠民演出",
        "开展文化惠民演出",
        "场",
        100,
        1200,
        6,
    ),
    k(
        "market-entities",
        "新增市场主体",
        "新增市场主体",
        "万户",
        1,
        9,
        7,
    ),
    rate(
        "foreign-trade",
        "进出口总额增速",
        "进出口总额增长",
        "%",
        30,
        120,
        7,
    ),
    k(
        "hazards",
        "安全隐患整改",
        "排查整改安全隐患",
        "处",
        2000,
        60000,
        8,
    ),
    k(
        "emergency-drills",
        "应急演练",
        "开展应急演练",
        "场",
        50,
        600,
        8,
    ),
];

/// Pledges without a number, as they are written in the work sections.
const TASKS: &[(&str, usize)] = &[
    ("深化“放管服”改革，推行“高效办成一件事”", 7),
    ("全面推行企业开办“一网通办”", 7),
    ("健全重大项目“周交办、月讲评”推进机制", 0),
    ("推动国有企业历史遗留问题清零", 7),
    ("建立重点产业链链长制", 1),
    ("实施制造业数字化转型行动", 1),
    ("打通城区断头路", 2),
    ("推进城市生命线安全工程建设", 2),
    ("启动城市更新三年行动", 2),
    ("开展农村人居环境整治提升行动", 3),
    ("巩固拓展脱贫攻坚成果", 3),
    ("落实河湖长制，推进幸福河湖建设", 4),
    ("深入打好蓝天、碧水、净土保卫战", 4),
    ("落实就业优先政策", 5),
    ("扩大“一老一小”服务供给", 5),
    ("推进县域医共体建设", 6),
    ("实施基础教育扩优提质行动", 6),
    ("深化开发区体制机制改革", 7),
    ("完善社会信用体系", 7),
    ("开展安全生产治本攻坚三年行动", 8),
    ("推进信访工作法治化", 8),
    ("加强食品药品安全监管", 8),
];

const REVIEW_SENTENCES: &[&str] = &[
    "过去一年，面对复杂严峻的外部环境和艰巨繁重的改革发展稳定任务，全市上下坚定信心、迎难而上，经济社会发展取得新的成效",
    "主要经济指标增速高于全省平均水平，综合实力迈上新台阶",
    "创新能力持续增强，新认定省级创新平台一批，研发投入稳步增长",
    "城市面貌焕然一新，一批打基础、利长远的重大项目建成投用",
    "生态环境质量明显改善，优良天数稳步增加，重点河流断面水质稳定达标",
    "民生福祉日益增进，财政民生支出占一般公共预算支出的比重保持在七成以上",
    "营商环境持续优化，市场主体活力进一步激发",
    "安全生产形势总体平稳，社会大局和谐稳定",
    "粮食生产再获丰收，农业农村现代化扎实推进",
    "法治政府建设深入推进，政务服务效能持续提升",
    "这些成绩的取得，是全市人民团结奋斗的结果",
    "我们也清醒看到，经济发展中还存在不少困难和问题，产业结构不优、创新能力不强等短板依然突出",
];

const WORK_SENTENCES: &[&str] = &[
    "坚持把发展经济的着力点放在实体经济上，持续推动传统产业高端化、智能化、绿色化改造",
    "完善项目谋划、储备、建设、投产全周期服务机制，实行重点项目“一项目一专班”",
    "健全县级领导分包联系制度，及时协调解决用地、资金、环评等要素制约",
    "统筹城市地上地下、新区老城建设，补齐市政基础设施和公共服务设施短板",
    "深入推进以人为核心的新型城镇化，促进农业转移人口市民化",
    "坚持农业农村优先发展，压紧压实耕地保护和粮食安全责任",
    "持续深入打好污染防治攻坚战，加强细颗粒物和臭氧协同控制",
    "兜牢兜实基层“三保”底线，确保财政民生支出只增不减",
    "实施基础教育扩优提质行动，推动义务教育优质均衡发展",
    "深化医药卫生体制改革，推动优质医疗资源扩容下沉和区域均衡布局",
    "持续深化“放管服”改革，打造市场化法治化国际化一流营商环境",
    "坚持和发展新时代“枫桥经验”，健全矛盾纠纷多元化解机制",
    "加强安全生产风险隐患排查整治，坚决遏制重特大事故发生",
    "推动有效市场和有为政府更好结合，激发各类经营主体活力",
];

const LEADS: &[&str] = &[
    "坚持稳中求进工作总基调",
    "聚焦群众急难愁盼",
    "按照“项目化、清单化、责任化”要求",
    "强化要素保障",
    "坚持规划引领",
    "紧盯年度目标任务",
    "统筹推进存量提质和增量扩容",
    "坚持问题导向",
    "对标先进地区",
    "坚持尽力而为、量力而行",
];

const TAILS: &[&str] = &[
    "确保按期完成",
    "让群众有更多获得感",
    "形成一批可复制可推广的经验",
    "切实把好事办好、实事办实",
    "推动各项工作争先进位",
    "以实绩实效取信于民",
];

const NEWS_FILLER: &[&str] = &[
    "记者从有关部门获悉，今年以来，各项重点工作有序推进，总体进度符合预期",
    "有关负责人表示，将继续压实责任、挂图作战，确保年度任务如期完成",
    "在项目现场，施工人员正在紧张作业，塔吊林立、机器轰鸣",
    "据介绍，下一步将加大督导力度，对进度滞后的项目实行专班推进",
    "不少市民表示，身边的变化看得见、摸得着，幸福感明显提升",
    "市政府督查室定期通报进展情况，并将结果纳入年度目标考核",
    "为保障工程质量，相关单位建立了全过程质量追溯制度",
    "资金方面，通过争取上级专项资金、发行专项债券等方式多渠道筹措",
];

const SOURCES: &[&str] = &["日报", "广播电视台", "政府网", "晚报"];

// ---------------------------------------------------------------------------------------------
// Portal

struct Jur {
    id: String,
    name: String,
    parent: Option<usize>,
}

struct PledgeGen {
    id: String,
    text: String,
    title: Option<String>,
    category: usize,
    department: Option<String>,
    deadline: Option<String>,
    /// (kind index, value in tenths or units, qualifier key)
    target: Option<(usize, u32, &'static str)>,
    status: Option<&'static str>,
    carried_to: Option<String>,
    tags: Vec<&'static str>,
    /// Index of the work section the clause is written into (0 = main targets).
    section: usize,
}

struct ReportGen {
    id: String,
    jur: usize,
    year: i32,
    delivered: (u32, u32),
    pledges: Vec<PledgeGen>,
}

const YEARS: i32 = 5;
const FIRST_YEAR: i32 = 2021;
const PER_REPORT: usize = 50;

fn value_text(kind: &Kind, v: u32) -> String {
    if kind.tenths {
        if v % 10 == 0 {
            format!("{}", v / 10)
        } else {
            format!("{}.{}", v / 10, v % 10)
        }
    } else {
        v.to_string()
    }
}

fn clause(kind: &Kind, v: u32, qualifier: &str) -> String {
    let n = value_text(kind, v);
    match qualifier {
        "at_least" => format!("{}{}{}以上", kind.verb, n, kind.unit),
        "about" => format!("{}{}{}左右", kind.verb, n, kind.unit),
        "at_most" => format!("{}{}{}以内", kind.verb, n, kind.unit),
        _ => format!("{}{}{}", kind.verb, n, kind.unit),
    }
}

fn jurisdictions(rng: &mut Rng, n: usize) -> Vec<Jur> {
    let mut pairs: Vec<(usize, usize)> = (0..PLACE_A.len())
        .flat_map(|a| (0..PLACE_B.len()).map(move |b| (a, b)))
        .collect();
    rng.shuffle(&mut pairs);
    let mut ids = BTreeSet::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = pairs[i % pairs.len()];
        let city = i % 5 == 0;
        let suffix = if city {
            "市"
        } else if i % 2 == 0 {
            "县"
        } else {
            "区"
        };
        let round = i / pairs.len();
        let mut id = format!("{}{}", PLACE_A[a].1, PLACE_B[b].1);
        if round > 0 {
            id = format!("{id}-{}", round + 1);
        }
        while !ids.insert(id.clone()) {
            id.push_str("-x");
        }
        let name = if round > 0 {
            format!("{}{}{}{suffix}", PLACE_A[a].0, PLACE_B[b].0, round + 1)
        } else {
            format!("{}{}{suffix}", PLACE_A[a].0, PLACE_B[b].0)
        };
        out.push(Jur {
            id,
            name,
            parent: (!city).then_some(i - i % 5),
        });
    }
    out
}

fn report_pledges(rng: &mut Rng, year: i32, count: usize) -> Vec<PledgeGen> {
    let mut out: Vec<PledgeGen> = Vec::with_capacity(count);
    let mut texts = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut tasks: Vec<usize> = (0..TASKS.len()).collect();
    rng.shuffle(&mut tasks);
    let mut kinds: Vec<usize> = (0..KINDS.len()).collect();
    rng.shuffle(&mut kinds);
    let mut next_task = 0;
    let mut next_kind = 0;
    while out.len() < count {
        let quantified = next_task >= tasks.len() || rng.chance(80);
        if quantified {
            let ki = kinds[next_kind % kinds.len()];
            next_kind += 1;
            let kind = &KINDS[ki];
            let qualifier = if kind.cap {
                "at_most"
            } else {
                rng.word(&["exact", "at_least", "at_least", "about"])
            };
            let mut v = rng.range(kind.lo, kind.hi);
            let mut text = clause(kind, v, qualifier);
            while !texts.insert(text.clone()) {
                v += 1;
                text = clause(kind, v, qualifier);
            }
            let mut id = kind.slug.to_string();
            let mut n = 2;
            while !ids.insert(id.clone()) {
                id = format!("{}-{n}", kind.slug);
                n += 1;
            }
            let (cat, _, dept, _) = CATEGORIES[kind.category];
            let _ = cat;
            let main = kind.tenths && kind.unit == "%";
            out.push(PledgeGen {
                id,
                title: rng.chance(30).then(|| {
                    format!(
                        "{}{}",
                        kind.metric,
                        match qualifier {
                            "at_least" => "达标",
                            "about" => "稳定增长",
                            "at_most" => "控制",
                            _ => "任务",
                        }
                    )
                }),
                text,
                category: kind.category,
                department: rng.chance(60).then(|| format!("市{dept}")),
                deadline: rng
                    .chance(25)
                    .then(|| format!("{year}-{:02}-30", rng.range(6, 11))),
                target: Some((ki, v, qualifier)),
                status: None,
                carried_to: None,
                tags: if main {
                    vec!["主要预期目标"]
                } else if rng.chance(20) {
                    vec!["民生实事"]
                } else {
                    Vec::new()
                },
                section: if main { 0 } else { 1 + kind.category },
            });
        } else {
            let (text, category) = TASKS[tasks[next_task]];
            next_task += 1;
            texts.insert(text.to_string());
            let id = format!("task-{}", tasks[next_task - 1] + 1);
            ids.insert(id.clone());
            out.push(PledgeGen {
                id,
                text: text.to_string(),
                title: None,
                category,
                department: None,
                deadline: None,
                target: None,
                status: None,
                carried_to: None,
                tags: Vec::new(),
                section: 1 + category,
            });
        }
        if rng.chance(12) {
            let last = out.last_mut().expect("just pushed");
            last.status = Some(rng.word(&["in_progress", "in_progress", "not_started"]));
        }
    }
    out
}

fn report_body(rng: &mut Rng, r: &ReportGen, jur: &Jur) -> String {
    let year = r.year;
    let mut md = String::with_capacity(24 * 1024);
    let _ = writeln!(md, "## 一、{}年工作回顾\n", year - 1);
    for _ in 0..10 {
        let mut p = String::new();
        for _ in 0..4 {
            p.push_str(rng.word(REVIEW_SENTENCES));
            let kind = rng.pick(KINDS);
            let _ = write!(
                p,
                "，全年{}{}{}",
                kind.verb,
                value_text(kind, rng.range(kind.lo, kind.hi)),
                kind.unit
            );
            p.push('。');
        }
        let _ = writeln!(md, "{p}\n");
    }
    let _ = writeln!(
        md,
        "## 二、{year}年工作总体要求和主要目标\n\n{year}年是实施“十四五”规划的关键一年。做好今年政府工作，要坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，推动{}高质量发展。\n",
        jur.name
    );
    let main: Vec<&PledgeGen> = r.pledges.iter().filter(|p| p.section == 0).collect();
    if !main.is_empty() {
        let list: Vec<&str> = main.iter().map(|p| p.text.as_str()).collect();
        let _ = writeln!(md, "主要预期目标是：{}。\n", list.join("，"));
    }
    let _ = writeln!(md, "## 三、{year}年重点工作安排\n");
    let mut n = 0;
    for (c, (_, _, _, heading)) in CATEGORIES.iter().enumerate() {
        let here: Vec<&PledgeGen> = r.pledges.iter().filter(|p| p.section == c + 1).collect();
        if here.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### （{}）{heading}\n", CHINESE_NUMERALS[n % 10]);
        n += 1;
        for _ in 0..2 {
            let _ = writeln!(
                md,
                "{}。{}。{}。{}。\n",
                rng.word(WORK_SENTENCES),
                rng.word(REVIEW_SENTENCES),
                rng.word(WORK_SENTENCES),
                rng.word(WORK_SENTENCES)
            );
        }
        for chunk in here.chunks(2) {
            let mut p = String::new();
            p.push_str(rng.word(WORK_SENTENCES));
            p.push('。');
            p.push_str(rng.word(LEADS));
            for pl in chunk {
                p.push('，');
                p.push_str(&pl.text);
            }
            p.push('，');
            p.push_str(rng.word(TAILS));
            p.push('。');
            p.push_str(rng.word(WORK_SENTENCES));
            p.push('。');
            let _ = writeln!(md, "{p}\n");
        }
    }
    let _ = writeln!(
        md,
        "## 四、全面加强政府自身建设\n\n坚持依法行政，自觉接受人大法律监督、政协民主监督，认真办理人大代表建议和政协委员提案。坚持过紧日子，一般性支出只减不增。大力弘扬“说了算、定了干、干必成”的工作作风，以实干实绩兑现对人民的承诺。"
    );
    md
}

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn portal(w: &mut Writer, rng: &mut Rng, pledges: usize, news: usize) -> io::Result<()> {
    let reports_n = pledges.div_ceil(PER_REPORT);
    let jur_n = reports_n.div_ceil(YEARS as usize);
    let jurs = jurisdictions(rng, jur_n);
    let mut reports: Vec<ReportGen> = Vec::with_capacity(reports_n);
    for k in 0..reports_n {
        let jur = k / YEARS as usize;
        let year = FIRST_YEAR + (k % YEARS as usize) as i32;
        let count = (pledges - k * PER_REPORT).min(PER_REPORT);
        reports.push(ReportGen {
            id: format!("{}-{year}", jurs[jur].id),
            jur,
            year,
            delivered: (rng.range(1, 2), rng.range(10, 28)),
            pledges: report_pledges(rng, year, count),
        });
    }
    // Carry-over: a pledge whose metric recurs in the next year's report of its jurisdiction.
    for k in 0..reports.len().saturating_sub(1) {
        if reports[k + 1].jur != reports[k].jur {
            continue;
        }
        let next_id = reports[k + 1].id.clone();
        let next: Vec<(usize, String)> = reports[k + 1]
            .pledges
            .iter()
            .filter_map(|p| p.target.map(|t| (t.0, p.id.clone())))
            .collect();
        for p in &mut reports[k].pledges {
            let Some((ki, _, _)) = p.target else { continue };
            if let Some((_, to)) = next.iter().find(|(nk, _)| *nk == ki)
                && rng.chance(15)
            {
                p.carried_to = Some(format!("{next_id}/{to}"));
                p.status = Some("carried_over");
            }
        }
    }

    // site.yaml
    let mut site = String::from(
        "title: 全国政府工作报告履约追踪（基准语料）\nbase_url: https://bench.example.org/portal/\nlanguage: zh-Hans\ntheme: default\ndescription: 由 gen-corpus 生成的基准测试语料，文字为模拟，不代表真实承诺\njurisdictions:\n",
    );
    for j in &jurs {
        let _ = writeln!(site, "  - id: {}\n    name: {}", j.id, yaml_str(&j.name));
        if let Some(p) = j.parent {
            let _ = writeln!(site, "    parent: {}", jurs[p].id);
        }
    }
    site.push_str("categories:\n");
    for (id, name, _, heading) in CATEGORIES {
        let _ = writeln!(
            site,
            "  - id: {id}\n    name: {name}\n    description: {}",
            yaml_str(heading)
        );
    }
    w.put("site.yaml", &site)?;
    w.put(
        "content/pages/about.md",
        "---\ntitle: 关于本站\nweight: 1\n---\n本站由 `gen-corpus` 生成，用于测量 duixian 在大型门户上的构建速度。文字、数字均为模拟。\n",
    )?;

    for r in &reports {
        let jur = &jurs[r.jur];
        let body = report_body(rng, r, jur);
        let speaker = format!(
            "{} {}{}",
            if jur.parent.is_none() {
                "市长"
            } else {
                "县（区）长"
            },
            rng.word(SURNAMES),
            rng.word(GIVEN)
        );
        let front = format!(
            "---\njurisdiction: {}\nyear: {}\ntitle: {}年{}人民政府工作报告\ndelivered: {}-{:02}-{:02}\nspeaker: {}\nsession: {}第{}届人民代表大会第{}次会议\nsource: {}{}\n---\n",
            jur.id,
            r.year,
            r.year,
            jur.name,
            r.year,
            r.delivered.0,
            r.delivered.1,
            yaml_str(&speaker),
            jur.name,
            CHINESE_NUMERALS[(r.year as usize) % 3 + 6],
            CHINESE_NUMERALS[(r.year - FIRST_YEAR) as usize % 5],
            jur.name,
            rng.word(SOURCES),
        );
        w.put(
            &format!("content/reports/{}.md", r.id),
            &format!("{front}{body}"),
        )?;
        let mut y = format!(
            "# {}年{}政府工作报告中的承诺（生成）\nreport: {}\npledges:\n",
            r.year, jur.name, r.id
        );
        for p in &r.pledges {
            let _ = writeln!(y, "  - id: {}\n    text: {}", p.id, yaml_str(&p.text));
            if let Some(t) = &p.title {
                let _ = writeln!(y, "    title: {}", yaml_str(t));
            }
            let _ = writeln!(y, "    category: {}", CATEGORIES[p.category].0);
            if let Some(d) = &p.department {
                let _ = writeln!(y, "    department: {}", yaml_str(d));
            }
            if let Some(d) = &p.deadline {
                let _ = writeln!(y, "    deadline: {d}");
            }
            if let Some((ki, v, q)) = p.target {
                let kind = &KINDS[ki];
                let _ = writeln!(
                    y,
                    "    target: {{metric: {}, value: {}, unit: {}, qualifier: {q}}}",
                    yaml_str(kind.metric),
                    value_text(kind, v),
                    yaml_str(kind.unit)
                );
            }
            if let Some(s) = p.status {
                let _ = writeln!(y, "    status: {s}");
            }
            if let Some(c) = &p.carried_to {
                let _ = writeln!(y, "    carried_to: {c}");
            }
            if !p.tags.is_empty() {
                let _ = writeln!(y, "    tags: [{}]", p.tags.join(", "));
            }
        }
        w.put(&format!("content/pledges/{}.yaml", r.id), &y)?;
    }

    // News: evidence for pledges of one report each.
    let mut news_of_jur: Vec<Vec<String>> = vec![Vec::new(); jurs.len()];
    for i in 0..news {
        let r = &reports[rng.below(reports.len())];
        let jur = &jurs[r.jur];
        let slug = format!("{}-n{:06}", r.id, i + 1);
        let month = rng.range(3, 12);
        let day = rng.range(1, 28);
        let date = format!("{}-{month:02}-{day:02}", r.year);
        let quantified: Vec<&PledgeGen> = r.pledges.iter().filter(|p| p.target.is_some()).collect();
        let mut updated: Vec<&PledgeGen> = Vec::new();
        for _ in 0..rng.range(1, 2) {
            if quantified.is_empty() {
                break;
            }
            let p = *rng.pick(&quantified);
            if !updated.iter().any(|u| u.id == p.id) {
                updated.push(p);
            }
        }
        let mut mentioned: Vec<&PledgeGen> = Vec::new();
        for _ in 0..rng.range(0, 2) {
            let p = rng.pick(&r.pledges);
            if !updated.iter().chain(&mentioned).any(|u| u.id == p.id) {
                mentioned.push(p);
            }
        }
        let lead = updated.first().map_or("重点工作", |p| {
            p.target.map_or("重点工作", |(ki, _, _)| KINDS[ki].metric)
        });
        let title = match rng.below(4) {
            0 => format!("{}{lead}工作取得新进展", jur.name),
            1 => format!("{}：{lead}按下“快进键”", jur.name),
            2 => format!("{}扎实推进{}年政府工作报告重点任务", jur.name, r.year),
            _ => format!("兑现承诺看行动——{}{lead}稳步推进", jur.name),
        };
        let mut body = String::with_capacity(2048);
        let mut ups = String::new();
        let _ = write!(
            body,
            "本报讯 {}。{}。{}。\n\n",
            rng.word(NEWS_FILLER),
            rng.word(WORK_SENTENCES),
            rng.word(NEWS_FILLER)
        );
        for p in &updated {
            let (ki, v, q) = p.target.expect("only quantified pledges are updated");
            let kind = &KINDS[ki];
            let (status, share) = match rng.below(10) {
                0..=4 => ("in_progress", rng.range(30, 90)),
                5..=7 => ("completed", rng.range(100, 125)),
                8 => ("partially_completed", rng.range(50, 95)),
                _ => ("not_started", 0),
            };
            let share = if q == "at_most" && status == "completed" {
                95
            } else {
                share
            };
            let value = (v as u64 * share as u64 / 100) as u32;
            let evidence = format!(
                "截至{month}月{day}日，{}{}{}{}{}",
                jur.name,
                if kind.tenths { "" } else { "累计" },
                kind.verb,
                value_text(kind, value),
                kind.unit
            );
            let _ = write!(
                body,
                "{}。{}，{evidence}，{}。{}。\n\n",
                rng.word(WORK_SENTENCES),
                rng.word(LEADS),
                rng.word(TAILS),
                rng.word(NEWS_FILLER)
            );
            let _ = write!(ups, "  - pledge: {}/{}\n    status: {status}\n", r.id, p.id);
            if status != "not_started" {
                let _ = writeln!(ups, "    value: {}", value_text(kind, value));
            }
            let _ = writeln!(ups, "    quote: {}", yaml_str(&evidence));
        }
        let _ = write!(
            body,
            "{}。{}。{}，{}。\n\n",
            rng.word(NEWS_FILLER),
            rng.word(WORK_SENTENCES),
            rng.word(LEADS),
            rng.word(TAILS)
        );
        if rng.chance(40) {
            let _ = write!(body, "## 下一步工作\n\n");
        }
        let _ = writeln!(
            body,
            "{}。{}，{}。{}。",
            rng.word(NEWS_FILLER),
            rng.word(WORK_SENTENCES),
            rng.word(TAILS),
            rng.word(NEWS_FILLER)
        );
        let mut front = format!(
            "---\ntitle: {}\ndate: {date}\nsource: {}{}\njurisdictions: [{}]\n",
            yaml_str(&title),
            jur.name,
            rng.word(SOURCES),
            jur.id
        );
        if !mentioned.is_empty() {
            let refs: Vec<String> = mentioned
                .iter()
                .map(|p| format!("{}/{}", r.id, p.id))
                .collect();
            let _ = writeln!(front, "pledges: [{}]", refs.join(", "));
        }
        if !ups.is_empty() {
            front.push_str("updates:\n");
            front.push_str(&ups);
        }
        front.push_str("---\n");
        w.put(
            &format!("content/news/{}/{slug}.md", r.year),
            &format!("{front}{body}"),
        )?;
        news_of_jur[r.jur].push(slug);
    }

    // Indicators: targets from each year's report, actuals from the next year's.
    const INDICATORS: &[(&str, bool)] = &[
        ("gdp-growth", true),
        ("retail-growth", true),
        ("revenue-growth", true),
        ("urban-jobs", true),
        ("unemployment", false),
        ("pm25", false),
    ];
    for (j, jur) in jurs.iter().enumerate() {
        let years: Vec<&ReportGen> = reports.iter().filter(|r| r.jur == j).collect();
        if years.is_empty() {
            continue;
        }
        let mut y = format!("jurisdiction: {}\nindicators:\n", jur.id);
        for (id, higher) in INDICATORS {
            let kind = KINDS
                .iter()
                .find(|k| k.slug == *id)
                .expect("every indicator is a kind of pledge");
            let _ = writeln!(
                y,
                "  - id: {id}\n    name: {}\n    unit: {}\n    better: {}\n    years:",
                yaml_str(kind.metric),
                yaml_str(kind.unit),
                if *higher { "higher" } else { "lower" }
            );
            for (i, r) in years.iter().enumerate() {
                let t = rng.range(kind.lo, kind.hi);
                let a = t * rng.range(85, 115) / 100;
                let q = if kind.cap {
                    "at_most"
                } else {
                    rng.word(&["about", "at_least"])
                };
                let _ = writeln!(
                    y,
                    "      {}:\n        target: {{value: {}, qualifier: {q}, source: {}}}",
                    r.year,
                    value_text(kind, t),
                    r.id
                );
                match years.get(i + 1) {
                    Some(next) => {
                        let _ = writeln!(
                            y,
                            "        actual: {{value: {}, source: {}}}",
                            value_text(kind, a),
                            next.id
                        );
                    }
                    None => {
                        let src = news_of_jur[j]
                            .first()
                            .map(|s| format!(", source: {s}"))
                            .unwrap_or_default();
                        let _ = writeln!(
                            y,
                            "        actual: {{value: {}, as_of: {}-06-30{src}}}",
                            value_text(kind, a),
                            r.year
                        );
                    }
                }
            }
        }
        w.put(&format!("content/indicators/{}.yaml", jur.id), &y)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Plain workload

const PLAIN_SECTIONS: usize = 20;

/// (id, name) of the plain workload's categories.
const PLAIN_CATEGORIES: &[(&str, &str)] = &[
    ("economy", "经济发展"),
    ("industry", "产业升级"),
    ("urban", "城市建设"),
    ("rural", "乡村振兴"),
    ("ecology", "生态环境"),
    ("livelihood", "民生保障"),
    ("education", "教育"),
    ("health", "卫生健康"),
    ("reform", "改革开放"),
    ("safety", "安全稳定"),
    ("culture", "文化旅游"),
    ("transport", "交通运输"),
    ("water", "水利"),
    ("energy", "能源"),
    ("science", "科技创新"),
    ("finance", "财政金融"),
    ("housing", "住房保障"),
    ("employment", "就业创业"),
    ("elderly", "养老服务"),
    ("government", "政府建设"),
];

fn plain(w: &mut Writer, rng: &mut Rng, n: usize) -> io::Result<()> {
    let mut site = String::from(
        "# The plain benchmark workload: categories are declared as jurisdictions, the one\n# taxonomy a news item links to.\ntitle: 基准测试站点\nbase_url: https://bench.example.org/\nlanguage: zh-Hans\ntheme: plain\njurisdictions:\n",
    );
    for (id, name) in PLAIN_CATEGORIES {
        let _ = writeln!(site, "  - id: {id}\n    name: {name}");
    }
    w.put("site.yaml", &site)?;
    for (path, text) in PLAIN_THEME {
        w.put(path, text)?;
    }
    for (path, text) in HUGO_SITE {
        w.put(path, text)?;
    }
    for i in 0..n {
        let section = i % PLAIN_SECTIONS + 1;
        let slug = format!("s{section:02}-{:06}", i + 1);
        let (cat, cat_name) = *rng.pick(PLAIN_CATEGORIES);
        let kind = rng.pick(KINDS);
        let year = 2020 + rng.range(0, 5);
        let title = format!("{}{}工作情况通报（第{}期）", cat_name, kind.metric, i + 1);
        let mut md = format!(
            "---\ntitle: {}\ndate: {year}-{:02}-{:02}\njurisdictions: [{cat}]\n---\n",
            yaml_str(&title),
            rng.range(1, 12),
            rng.range(1, 28)
        );
        let _ = write!(
            md,
            "{}。{}。{}，{}{}{}，{}。{}。\n\n",
            rng.word(REVIEW_SENTENCES),
            rng.word(NEWS_FILLER),
            rng.word(LEADS),
            kind.verb,
            value_text(kind, rng.range(kind.lo, kind.hi)),
            kind.unit,
            rng.word(TAILS),
            rng.word(NEWS_FILLER)
        );
        let _ = write!(md, "## 主要做法\n\n");
        for _ in 0..4 {
            let k2 = rng.pick(KINDS);
            let _ = writeln!(
                md,
                "- {}，{}{}{}，{}；",
                rng.word(LEADS),
                k2.verb,
                value_text(k2, rng.range(k2.lo, k2.hi)),
                k2.unit,
                rng.word(TAILS)
            );
        }
        let _ = write!(
            md,
            "\n{}。{}。详见[政府信息公开平台](https://www.gov.cn/zhengce/)和[统计公报](https://www.stats.gov.cn/sj/)。\n\n",
            rng.word(NEWS_FILLER),
            rng.word(REVIEW_SENTENCES)
        );
        let _ = write!(md, "| 指标 | 目标 | 完成 |\n|---|---|---|\n");
        for _ in 0..3 {
            let k3 = rng.pick(KINDS);
            let t = rng.range(k3.lo, k3.hi);
            let _ = writeln!(
                md,
                "| {} | {}{} | {}{} |",
                k3.metric,
                value_text(k3, t),
                k3.unit,
                value_text(k3, t * rng.range(80, 120) / 100),
                k3.unit
            );
        }
        let _ = writeln!(
            md,
            "\n{}。{}，{}。{}。{}。\n\n## 下一步打算\n\n{}。{}，{}。{}。{}。",
            rng.word(NEWS_FILLER),
            rng.word(REVIEW_SENTENCES),
            rng.word(TAILS),
            rng.word(REVIEW_SENTENCES),
            rng.word(NEWS_FILLER),
            rng.word(NEWS_FILLER),
            rng.word(REVIEW_SENTENCES),
            rng.word(LEADS),
            rng.word(TAILS),
            rng.word(NEWS_FILLER)
        );
        w.put(&format!("content/news/s{section:02}/{slug}.md"), &md)?;
    }
    Ok(())
}

/// The minimal duixian theme of the plain workload: every template a site needs, most of them
/// one line because the plain site has no reports or pledges.
const PLAIN_THEME: &[(&str, &str)] = &[
    (
        "themes/plain/i18n/zh-Hans.yaml",
        "nav_home: 首页\nnav_news: 全部文章\npager_prev: 上一页\npager_next: 下一页\n",
    ),
    (
        "themes/plain/templates/base.html",
        "<!DOCTYPE html>\n<html lang=\"{{ site.lang }}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{{ title }} · {{ site.title }}</title>\n<link rel=\"stylesheet\" href=\"{{ site.base }}style.css\">\n</head>\n<body>\n<header><a href=\"{{ site.base }}\">{{ site.title }}</a> · <a href=\"{{ site.base }}news/\">{{ t.nav_news }}</a></header>\n<main>\n{% block content %}{% endblock %}\n</main>\n</body>\n</html>\n",
    ),
    (
        "themes/plain/templates/news.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<article>\n<h1>{{ news.title }}</h1>\n<p><time datetime=\"{{ news.date }}\">{{ news.date }}</time>{% for j in jurisdictions %} · <a href=\"{{ j.url }}\">{{ j.title }}</a>{% endfor %}</p>\n{{ body | safe }}\n</article>\n{% endblock %}\n",
    ),
    (
        "themes/plain/templates/news_list.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ t.nav_news }}</h1>\n<ul>\n{% for n in news_list %}<li><a href=\"{{ n.url }}\">{{ n.title }}</a> <time>{{ n.date }}</time></li>\n{% endfor %}</ul>\n{% if pager.total > 1 %}<nav>{% if pager.prev %}<a rel=\"prev\" href=\"{{ pager.prev }}\">{{ t.pager_prev }}</a>{% endif %} {{ pager.current }} / {{ pager.total }} {% if pager.next %}<a rel=\"next\" href=\"{{ pager.next }}\">{{ t.pager_next }}</a>{% endif %}</nav>{% endif %}\n{% endblock %}\n",
    ),
    (
        "themes/plain/templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ site.title }}</h1>\n<ul>\n{% for n in latest_news %}<li><a href=\"{{ n.url }}\">{{ n.title }}</a> <time>{{ n.date }}</time></li>\n{% endfor %}</ul>\n<ul>{% for j in site.jurisdictions %}<li><a href=\"{{ j.url }}\">{{ j.title }}</a></li>{% endfor %}</ul>\n{% endblock %}\n",
    ),
    (
        "themes/plain/templates/jurisdictions.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ title }}</h1>\n<ul>{% for r in rows %}<li><a href=\"{{ r.link.url }}\">{{ r.link.title }}</a></li>{% endfor %}</ul>\n{% endblock %}\n",
    ),
    (
        "themes/plain/templates/jurisdiction.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ name }}</h1>\n{% endblock %}\n",
    ),
    (
        "themes/plain/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ title }}</h1>\n{{ body | safe }}\n{% endblock %}\n",
    ),
    (
        "themes/plain/templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>404</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/report.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{{ body | safe }}{% endblock %}\n",
    ),
    (
        "themes/plain/templates/pledge.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/embed.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/list.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/reports.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/compare.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/index_list.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
    (
        "themes/plain/templates/statuses.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ title }}</h1>{% endblock %}\n",
    ),
];

/// The minimal Hugo site over the same content: pages with title, date, category links and
/// content; the home page lists every page, 20 a page; sections and categories list theirs.
/// `static/style.css` is shared: duixian copies a site's `static/` too.
const HUGO_SITE: &[(&str, &str)] = &[
    (
        "hugo.toml",
        "baseURL = \"https://bench.example.org/\"\nlanguageCode = \"zh-Hans\"\ntitle = \"基准测试站点\"\ncontentDir = \"content/news\"\nhasCJKLanguage = true\npaginate = 20\nrssLimit = 100\ndisableKinds = [\"robotsTXT\"]\n[taxonomies]\njurisdiction = \"jurisdictions\"\n[outputs]\nhome = [\"HTML\", \"RSS\"]\nsection = [\"HTML\"]\ntaxonomy = [\"HTML\"]\nterm = [\"HTML\"]\n",
    ),
    (
        "static/style.css",
        "body{max-width:40rem;margin:auto;padding:0 1rem;font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}\n",
    ),
    (
        "layouts/_default/baseof.html",
        "<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{{ .Title }} · {{ .Site.Title }}</title>\n<link rel=\"stylesheet\" href=\"{{ \"style.css\" | relURL }}\">\n</head>\n<body>\n<header><a href=\"{{ \"\" | relURL }}\">{{ .Site.Title }}</a></header>\n<main>\n{{ block \"main\" . }}{{ end }}\n</main>\n</body>\n</html>\n",
    ),
    (
        "layouts/_default/single.html",
        "{{ define \"main\" }}\n<article>\n<h1>{{ .Title }}</h1>\n<p><time datetime=\"{{ .Date.Format \"2006-01-02\" }}\">{{ .Date.Format \"2006-01-02\" }}</time>{{ range .GetTerms \"jurisdictions\" }} · <a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a>{{ end }}</p>\n{{ .Content }}\n</article>\n{{ end }}\n",
    ),
    (
        "layouts/_default/list.html",
        "{{ define \"main\" }}\n<h1>{{ .Title }}</h1>\n<ul>\n{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> <time>{{ .Date.Format \"2006-01-02\" }}</time></li>\n{{ end }}</ul>\n{{ end }}\n",
    ),
    (
        "layouts/index.html",
        "{{ define \"main\" }}\n<h1>{{ .Site.Title }}</h1>\n<ul>\n{{ $p := .Paginate .Site.RegularPages }}{{ range $p.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> <time>{{ .Date.Format \"2006-01-02\" }}</time></li>\n{{ end }}</ul>\n{{ if gt $p.TotalPages 1 }}<nav>{{ if $p.HasPrev }}<a rel=\"prev\" href=\"{{ $p.Prev.URL }}\">上一页</a>{{ end }} {{ $p.PageNumber }} / {{ $p.TotalPages }} {{ if $p.HasNext }}<a rel=\"next\" href=\"{{ $p.Next.URL }}\">下一页</a>{{ end }}</nav>{{ end }}\n{{ end }}\n",
    ),
];
