using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Katas.Mutation;

/// <summary>
/// One kata's grader, built once (into the tool's own artifacts folder, never the repository's graders/*/bin), and
/// everything needed to compile its kata assembly again in memory: the build's generated files, references,
/// defines, assembly name and output kind.
/// </summary>
public sealed class KataBuild
{
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly IReadOnlyList<SyntaxTree> _generated;
    private readonly CSharpParseOptions _parseOptions;
    private readonly CSharpCompilationOptions _options;

    private KataBuild(string kata, string graderDirectory, string graderFileName, string kataAssemblyName, bool exe, bool coyoteRewrite,
        IReadOnlyList<string> generated, IReadOnlyList<string> references, IEnumerable<string> defines, bool optimize, bool allowUnsafe)
    {
        Kata = kata;
        GraderDirectory = graderDirectory;
        GraderFileName = graderFileName;
        KataAssemblyName = kataAssemblyName;
        CoyoteRewrite = coyoteRewrite;
        _parseOptions = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: defines);
        _generated = [.. generated.Select(path => Parse(File.ReadAllText(path), path))];
        _references = [.. references.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
        _options = new CSharpCompilationOptions(exe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            optimizationLevel: optimize ? OptimizationLevel.Release : OptimizationLevel.Debug,
            allowUnsafe: allowUnsafe,
            deterministic: true);
    }

    public string Kata { get; }

    /// <summary>The grader's output folder: the grader, Katas.Grading and the kata assembly, rewritten by Coyote.</summary>
    public string GraderDirectory { get; }

    public string GraderFileName { get; }

    public string KataAssemblyName { get; }

    public string KataFileName => KataAssemblyName + ".dll";

    /// <summary>False for graders that set &lt;CoyoteRewrite&gt;false&lt;/CoyoteRewrite&gt; (01, 03, 10, 12, 13).</summary>
    public bool CoyoteRewrite { get; }

    /// <summary>Builds the grader of <paramref name="kata"/> against <paramref name="sourceRoot"/> (a folder laid out like solutions/).</summary>
    public static KataBuild Create(string repository, string kata, string sourceRoot, string artifacts, TextWriter log)
    {
        var graderProject = Directory.GetFiles(Path.Combine(repository, "graders", kata), "*.Grader.csproj").Single();
        var kataProject = Directory.GetFiles(Path.Combine(repository, "graders", kata, "Kata"), "*.csproj").Single();
        string[] properties = [$"-p:KataSource={sourceRoot.TrimEnd('/')}/", $"-p:ArtifactsPath={artifacts}", "-p:UseArtifactsOutput=true"];

        log.WriteLine($"[{kata}] building the grader ({Path.GetFileName(graderProject)}) into {artifacts}");
        var build = ProcessRunner.Run("dotnet", ["build", graderProject, .. properties, "-nologo", "-v:q", "-clp:NoSummary"], repository, TimeSpan.FromMinutes(15));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"The grader of {kata} did not build:\n{build.Output}");
        }

        var grader = MsBuildQuery(graderProject, properties, ["-getProperty:TargetPath", "-getProperty:CoyoteRewrite"], repository);
        var code = MsBuildQuery(kataProject, properties,
            ["-t:Build", "-getItem:Compile", "-getItem:ReferencePathWithRefAssemblies", "-getProperty:AssemblyName", "-getProperty:OutputType",
             "-getProperty:DefineConstants", "-getProperty:Optimize", "-getProperty:AllowUnsafeBlocks"],
            repository);

        var kataDirectory = Path.GetFullPath(Path.Combine(sourceRoot, kata)) + Path.DirectorySeparatorChar;
        var compile = Items(code, "Compile");
        var generated = compile.Where(path => !Path.GetFullPath(path).StartsWith(kataDirectory, StringComparison.Ordinal)).ToList();
        var targetPath = Property(grader, "TargetPath");
        return new KataBuild(
            kata,
            Path.GetDirectoryName(targetPath)!,
            Path.GetFileName(targetPath),
            Property(code, "AssemblyName"),
            Property(code, "OutputType") is "Exe" or "WinExe",
            !string.Equals(Property(grader, "CoyoteRewrite"), "false", StringComparison.OrdinalIgnoreCase),
            generated,
            Items(code, "ReferencePathWithRefAssemblies"),
            Property(code, "DefineConstants").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            string.Equals(Property(code, "Optimize"), "true", StringComparison.OrdinalIgnoreCase),
            string.Equals(Property(code, "AllowUnsafeBlocks"), "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The kata assembly from these sources (absolute paths, as the build names them), or the compiler's errors.</summary>
    public CompiledKata Compile(IReadOnlyList<SourceFile> sources)
    {
        var trees = sources.Select(source => Parse(source.Text, source.Path)).Concat(_generated);
        var compilation = CSharpCompilation.Create(KataAssemblyName, trees, _references, _options);
        using var dll = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(dll, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: KataAssemblyName + ".pdb"));
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        return result.Success ? new CompiledKata(dll.ToArray(), pdb.ToArray(), []) : new CompiledKata([], [], errors);
    }

    // With an encoding: the pdb keeps a checksum of every source file.
    private SyntaxTree Parse(string text, string path) =>
        CSharpSyntaxTree.ParseText(Microsoft.CodeAnalysis.Text.SourceText.From(text, System.Text.Encoding.UTF8), _parseOptions, path);

    private static JsonElement MsBuildQuery(string project, string[] properties, string[] query, string repository)
    {
        var run = ProcessRunner.Run("dotnet", ["msbuild", project, .. properties, "-nologo", .. query], repository, TimeSpan.FromMinutes(10));
        var start = run.Output.IndexOf('{', StringComparison.Ordinal);
        if (run.ExitCode != 0 || start < 0)
        {
            throw new InvalidOperationException($"dotnet msbuild {Path.GetFileName(project)} {string.Join(' ', query)} failed:\n{run.Output}");
        }

        using var document = JsonDocument.Parse(run.Output[start..]);
        return document.RootElement.Clone();
    }

    private static string Property(JsonElement result, string name) =>
        result.TryGetProperty("Properties", out var properties) && properties.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private static List<string> Items(JsonElement result, string name) =>
        result.TryGetProperty("Items", out var items) && items.TryGetProperty(name, out var list)
            ? [.. list.EnumerateArray().Select(item => Path.GetFullPath((item.TryGetProperty("FullPath", out var full) ? full : item.GetProperty("Identity")).GetString()!))]
            : [];
}

/// <summary>An in-memory kata assembly, or why it did not compile (<see cref="Errors"/> not empty: a stillborn mutant).</summary>
public sealed record CompiledKata(byte[] Dll, byte[] Pdb, IReadOnlyList<string> Errors)
{
    public bool Compiled => Errors.Count == 0;
}
