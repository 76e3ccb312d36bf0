using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Synthesised utterances on disk, one 16 kHz WAV per request (named by its content hash, written atomically), so an
/// interrupted run keeps what it made. Clips are always rendered from the cached files, so a resumed run and a fresh
/// run mix identical samples.
/// </summary>
/// <param name="scratchDirectory">Where engines write temporary files (one folder per job); null = "scratch" beside the cache.</param>
public sealed class TtsCache(string directory, IReadOnlyDictionary<TtsEngineKind, ITtsEngine> engines, string? scratchDirectory = null)
{
    private const int FestivalBatch = 40;
    private const int ProcessBatch = 16;

    public string Directory { get; } = directory;

    public string PathOf(SpeechRequest request) => Path.Combine(Directory, request.CacheKey + ".wav");

    public float[] Load(SpeechRequest request) => WavFile.Read(PathOf(request)).Samples;

    /// <summary>Synthesises every request not yet cached, in parallel jobs (festival batched per voice); returns how many.</summary>
    public int Fill(IEnumerable<SpeechRequest> requests, int workers, IProgress<SynthProgress>? progress, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var missing = requests.DistinctBy(r => r.CacheKey).Where(r => !File.Exists(PathOf(r)))
            .OrderBy(r => r.CacheKey, StringComparer.Ordinal).ToList();
        var jobs = new List<List<SpeechRequest>>();
        foreach (var group in missing.GroupBy(r => r.Voice.Engine == TtsEngineKind.Festival ? r.Voice.Id : r.Voice.Engine.ToString()))
        {
            var size = group.First().Voice.Engine == TtsEngineKind.Festival ? FestivalBatch : ProcessBatch;
            jobs.AddRange(group.Chunk(size).Select(c => c.ToList()));
        }
        var done = 0;
        progress?.Report(new SynthProgress("tts", 0, missing.Count));
        var scratchRoot = scratchDirectory ?? Path.Combine(Directory, "..", "scratch");
        ParallelWork.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken },
            job =>
            {
                var scratch = Path.Combine(scratchRoot, job[0].CacheKey);
                System.IO.Directory.CreateDirectory(scratch);
                try
                {
                    var engine = engines[job[0].Voice.Engine];
                    var audio = engine.Synthesize(job, scratch, cancellationToken);
                    for (var i = 0; i < job.Count; i++)
                    {
                        WavFile.Write(PathOf(job[i]), audio[i], SpeechCut.Rate);
                    }
                }
                catch (Exception ex) when (ex is SynthesisException or IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    // Jobs run side by side: the voice and first text say which one failed.
                    throw new SynthesisException($"TTS {job[0].Voice.Id} \"{job[0].Text}\" ({job.Count} utterance(s)): {ex.Message}", ex);
                }
                finally
                {
                    System.IO.Directory.Delete(scratch, recursive: true);
                }
                var now = Interlocked.Add(ref done, job.Count);
                progress?.Report(new SynthProgress("tts", now, missing.Count));
            });
        return missing.Count;
    }
}
