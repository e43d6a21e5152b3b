//! A run over many files, handed on as it goes: units are linted in parallel, a few at a time,
//! and each finding is handed on in the run's one output order as soon as nothing still to be
//! linted can come before it. A run holds the findings of a few files, not of all of them.
//!
//! The output order is by the path a finding is at, then its position and rule. A unit's
//! findings are at its own path, except for a unit that loads other files (a SAM
//! `DefinitionUri`, an `AWS::Include`, a CDK asset, a Serverless `${file(...)}`, a Terraform
//! module or `file()`): it also reports in those, which are inside its own directory, and they
//! are linted through it, not on their own. So each unit gets a *low* path, the least path it
//! may report at: its own; for a unit that may load files, the least path inside its directory;
//! for a template with CDK metadata, whose findings move to the constructs' source lines, the
//! empty path. Units are linted in order of their low paths, and the findings at a path are
//! handed on once every unit whose low path is not after it is done (no later unit can report
//! there) and every unit that reported there is known to be linted on its own or through a
//! template (whatever loads it is done). Whether a unit may load files is read from its text
//! before the run: every such reference is written with one of a few words.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use memchr::memmem;

use super::{FileReport, Unit};
use crate::collections::{HashMap, HashSet};
use crate::diagnostic::{Coverage, Finding, InputError, Note};
use crate::discover::{Input, InputSource};
use crate::report::Report;

/// Words without which a file refers to no other file: SAM `DefinitionUri`, `AWS::Include`,
/// a CDK asset's `BodyS3Location`, and `file(` (Serverless `${file(...)}`; Terraform
/// `file()` and `templatefile()`, though every Terraform module counts as loading files).
const LOADS: [&str; 4] = ["DefinitionUri", "AWS::Include", "BodyS3Location", "file("];

/// CDK metadata (`aws:cdk:path`, `aws:cdk:asset`): such a template's findings may move to its
/// constructs' source lines, anywhere.
const CDK: &str = "aws:cdk";

/// Where a unit may put findings besides its own path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    Own,
    /// Anywhere inside its directory.
    Directory,
    Anywhere,
}

/// The order units are linted in, and the low path of each (see the module documentation).
pub(super) struct Plan {
    /// Units, by their index in the run's list, in the order they are linted.
    order: Vec<usize>,
    /// By unit: the least path it may report at.
    low: Vec<String>,
    /// By unit: its own path (whether it is linted through a template is known once every
    /// unit whose low path is not after this is done).
    own: Vec<String>,
}

impl Plan {
    /// `in_assembly` tells whether an input is a template of a CDK cloud assembly.
    pub(super) fn of(
        units: &[Unit<'_>],
        in_assembly: &(dyn Fn(&Input) -> bool + Sync),
        max_file_size: u64,
    ) -> Self {
        use rayon::prelude::*;
        let own: Vec<String> = units
            .iter()
            .map(|unit| unit.first().map(|i| i.display.clone()).unwrap_or_default())
            .collect();
        // One unit is in order by itself: its text need not be read twice.
        let reach: Vec<Reach> = if units.len() < 2 {
            vec![Reach::Own; units.len()]
        } else {
            units
                .par_iter()
                .map(|unit| reach_of(unit, in_assembly, max_file_size))
                .collect()
        };
        let mut inside = Inside::default();
        if reach.contains(&Reach::Directory) {
            inside = Inside::of(units);
        }
        let low: Vec<String> = units
            .iter()
            .zip(&reach)
            .zip(&own)
            .map(|((unit, reach), own)| match (reach, unit.first()) {
                (Reach::Own, _) | (_, None) => own.clone(),
                (Reach::Anywhere, _) => String::new(),
                (Reach::Directory, Some(input)) => inside.least(input),
            })
            .collect();
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|&a, &b| (low.get(a), a).cmp(&(low.get(b), b)));
        Plan { order, low, own }
    }

    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    /// The unit linted at `position`.
    pub(super) fn unit_at(&self, position: usize) -> Option<usize> {
        self.order.get(position).copied()
    }
}

fn reach_of(
    unit: &Unit<'_>,
    in_assembly: &(dyn Fn(&Input) -> bool + Sync),
    max_file_size: u64,
) -> Reach {
    let input = match unit {
        Unit::Module(_) => return Reach::Directory,
        Unit::File(input) => input,
    };
    let InputSource::File(path) = &input.source else {
        return Reach::Own;
    };
    if in_assembly(input) {
        return Reach::Anywhere;
    }
    // A file over the limit is not read, and one that cannot be read is an input error.
    if input.len.is_some_and(|len| len > max_file_size) {
        return Reach::Own;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return Reach::Own;
    };
    if memmem::find(&bytes, CDK.as_bytes()).is_some() {
        Reach::Anywhere
    } else if LOADS
        .iter()
        .any(|word| memmem::find(&bytes, word.as_bytes()).is_some())
    {
        Reach::Directory
    } else {
        Reach::Own
    }
}

/// The least display path of the inputs inside each directory: a unit that loads files reports
/// only inside its directory, whatever name the files were given on the command line.
#[derive(Default)]
struct Inside {
    /// Every input on disk by its resolved path (sorted), with its display path.
    inputs: Vec<(PathBuf, String)>,
    least: HashMap<PathBuf, String>,
}

impl Inside {
    fn of(units: &[Unit<'_>]) -> Self {
        let mut inputs: Vec<(PathBuf, String)> = units
            .iter()
            .flat_map(|unit| match unit {
                Unit::File(input) => vec![*input],
                Unit::Module(inputs) => inputs.clone(),
            })
            .filter_map(|input| match &input.source {
                InputSource::File(path) => Some((path.canonicalize().ok()?, input.display.clone())),
                InputSource::Stdin => None,
            })
            .collect();
        inputs.sort();
        Inside {
            inputs,
            least: HashMap::default(),
        }
    }

    /// The least path `input`'s unit may report at: the least of the paths inside its
    /// directory, as the loader names them (the input's own display directory) and as the
    /// inputs there are named.
    fn least(&mut self, input: &Input) -> String {
        let prefix = input
            .display
            .rsplit_once('/')
            .map_or_else(String::new, |(dir, _)| format!("{dir}/"));
        let InputSource::File(path) = &input.source else {
            return prefix;
        };
        let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => dir.canonicalize(),
            None => Path::new(".").canonicalize(),
        };
        let Ok(dir) = dir else {
            return prefix;
        };
        let inputs = &self.inputs;
        let least = self.least.entry(dir).or_insert_with_key(|dir| {
            let start = inputs.partition_point(|(path, _)| path < dir);
            inputs
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|(path, _)| path.starts_with(dir))
                .map(|(_, display)| display)
                .min()
                .cloned()
                .unwrap_or_default()
        });
        if least.is_empty() || prefix < *least {
            prefix
        } else {
            least.clone()
        }
    }
}

/// A finding waiting for its turn, with where it came from (units in the run's list, and the
/// order in the unit): findings the same by the output order keep that order, as a stable
/// sort of everything would.
struct Pending {
    unit: usize,
    seq: usize,
    finding: Finding,
}

/// Units' reports as they come, in any order, and their findings handed on in output order.
pub(super) struct Merge<'p> {
    plan: &'p Plan,
    /// By position in the plan: whether that unit is done.
    done: Vec<bool>,
    first_undone: usize,
    /// Findings by path.
    pending: BTreeMap<String, Vec<Pending>>,
    /// Units done whose findings may yet turn out to be reported through a template, with
    /// the least path among their pending findings.
    undecided: Vec<(usize, Option<String>)>,
    /// By unit: linted through the template or module that loads it.
    through_template: Vec<bool>,
    real_paths: Vec<Option<PathBuf>>,
    /// Every file a unit done loaded.
    definitions: HashSet<PathBuf>,
    /// By unit: its input errors and coverage notes, reported unless it is linted through a
    /// template, which reports what matters of it in context.
    kept: Vec<(usize, Vec<InputError>, Vec<Coverage>)>,
    /// Everything but the findings.
    report: Report,
}

impl<'p> Merge<'p> {
    pub(super) fn new(plan: &'p Plan) -> Self {
        let units = plan.low.len();
        Merge {
            plan,
            done: vec![false; plan.len()],
            first_undone: 0,
            pending: BTreeMap::new(),
            undecided: Vec::new(),
            through_template: vec![false; units],
            real_paths: vec![None; units],
            definitions: HashSet::default(),
            kept: Vec::new(),
            report: Report::default(),
        }
    }

    pub(super) fn first_undone(&self) -> usize {
        self.first_undone
    }

    pub(super) fn all_done(&self) -> bool {
        self.first_undone >= self.done.len()
    }

    /// The low path of the first unit not done: no unit still to come reports before it.
    fn frontier(&self) -> Option<&str> {
        let unit = self.plan.unit_at(self.first_undone)?;
        Some(self.plan.low.get(unit).map_or("", String::as_str))
    }

    /// Take the report of the unit linted at `position`.
    pub(super) fn finish(&mut self, position: usize, file: FileReport) {
        let Some(unit) = self.plan.unit_at(position) else {
            return;
        };
        self.report.files_checked += usize::from(file.recognized);
        self.report.notes.extend(file.notes);
        self.definitions.extend(file.definitions);
        if let Some(slot) = self.real_paths.get_mut(unit) {
            *slot = file.real_path;
        }
        if !file.errors.is_empty() || !file.coverage.is_empty() {
            self.kept.push((unit, file.errors, file.coverage));
        }
        let mut least: Option<String> = None;
        for (seq, finding) in file.findings.into_iter().enumerate() {
            let file = std::sync::Arc::clone(&finding.primary.loc.file);
            let path = file.path();
            if least.as_deref().is_none_or(|l| path < l) {
                least = Some(path.to_owned());
            }
            let pending = Pending { unit, seq, finding };
            match self.pending.get_mut(path) {
                Some(at) => at.push(pending),
                None => {
                    self.pending.insert(path.to_owned(), vec![pending]);
                }
            }
        }
        self.undecided.push((unit, least));
        if let Some(done) = self.done.get_mut(position) {
            *done = true;
        }
        while self.done.get(self.first_undone) == Some(&true) {
            self.first_undone += 1;
        }
        self.decide();
    }

    /// Whether each unit done is linted through a template, once every unit that could load
    /// it is done (each has a low path not after the unit's own).
    fn decide(&mut self) {
        let frontier = self.frontier().map(str::to_owned);
        let own = &self.plan.own;
        let (decided, undecided): (Vec<_>, Vec<_>) = std::mem::take(&mut self.undecided)
            .into_iter()
            .partition(|(unit, _)| {
                frontier
                    .as_deref()
                    .is_none_or(|f| own.get(*unit).is_some_and(|own| own.as_str() < f))
            });
        self.undecided = undecided;
        for (unit, _) in decided {
            let loaded = self
                .real_paths
                .get(unit)
                .and_then(Option::as_ref)
                .is_some_and(|path| self.definitions.contains(path));
            if let Some(through) = self.through_template.get_mut(unit) {
                *through = loaded;
            }
        }
    }

    /// Hand on, in output order, every finding nothing still to come can precede.
    pub(super) fn flush<E>(
        &mut self,
        emit: &mut dyn FnMut(Finding) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut bound = self.frontier().map(str::to_owned);
        for least in self
            .undecided
            .iter()
            .filter_map(|(_, least)| least.as_ref())
        {
            if bound.as_ref().is_none_or(|b| least < b) {
                bound = Some(least.clone());
            }
        }
        while let Some(entry) = self.pending.first_entry() {
            if bound.as_ref().is_some_and(|b| entry.key() >= b) {
                break;
            }
            let mut batch = entry.remove();
            batch.retain(|p| self.through_template.get(p.unit) != Some(&true));
            batch.sort_by(|a, b| {
                a.finding
                    .sort_key()
                    .cmp(&b.finding.sort_key())
                    .then((a.unit, a.seq).cmp(&(b.unit, b.seq)))
            });
            batch.dedup_by(|a, b| a.finding == b.finding);
            for pending in batch {
                emit(pending.finding)?;
            }
        }
        Ok(())
    }

    /// Everything but the findings, once every unit is done and every finding handed on.
    pub(super) fn into_report(mut self, units: &[Unit<'_>], verbose: bool) -> Report {
        for (unit, errors, coverage) in std::mem::take(&mut self.kept) {
            if self.through_template.get(unit) != Some(&true) {
                self.report.errors.extend(errors);
                self.report.coverage.extend(coverage);
            }
        }
        if verbose {
            for (unit, _) in self
                .through_template
                .iter()
                .enumerate()
                .filter(|(_, t)| **t)
            {
                if let Some(input) = units.get(unit).and_then(Unit::first) {
                    self.report.notes.push(Note::info(
                        input.display.clone(),
                        "linted through the template or module that loads it: its findings \
                         are reported there",
                    ));
                }
            }
        }
        self.report
    }
}

/// The next report of a unit, waiting for it. On a thread of the pool (a run inside another
/// parallel job) it helps with the pool's work meanwhile rather than block a worker.
pub(super) fn receive<T>(results: &Receiver<T>) -> Option<T> {
    loop {
        match results.try_recv() {
            Ok(result) => return Some(result),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => {}
            Some(rayon::Yield::Idle) => {
                if let Ok(result) = results.recv_timeout(Duration::from_millis(1)) {
                    return Some(result);
                }
            }
            None => return results.recv().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{DiscoverOptions, discover};
    use crate::lint::{DEFAULT_MAX_FILE_SIZE, analyze_unit, units};

    /// Every file of the fixtures, the tests and (when it is beside the repository) the corpus
    /// that loads another file is found to reach its directory by the words read before a run:
    /// a file that loads another without them would be written before its template is known.
    #[test]
    fn every_file_that_loads_another_is_known_to_before_the_run() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("fixtures"), root.join("tests")];
        let corpus = root.join("../shared/corpus");
        if corpus.is_dir() {
            dirs.push(corpus);
        }
        let (mut loading, mut checked) = (0, 0);
        for dir in dirs {
            let discovery = discover(&[&dir], &DiscoverOptions::default());
            for unit in units(&discovery.inputs) {
                checked += 1;
                let Ok(analysis) = analyze_unit(&unit, DEFAULT_MAX_FILE_SIZE) else {
                    continue;
                };
                if analysis.definitions.paths.is_empty() {
                    continue;
                }
                loading += 1;
                let reach = reach_of(&unit, &|_| false, DEFAULT_MAX_FILE_SIZE);
                assert_ne!(
                    reach,
                    Reach::Own,
                    "{:?} loads {:?}",
                    unit.first().map(|i| &i.display),
                    analysis.definitions.paths
                );
            }
        }
        assert!(
            checked > 500 && loading >= 10,
            "{checked} units, {loading} loading"
        );
    }
}
