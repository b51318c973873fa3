using System.Reflection;

namespace Katas.Grading;

/// <summary>Where the graded code came from, as recorded by the build (graders/Kata.Code.targets).</summary>
public static class KataInfo
{
    public static string FolderOf(Type kataType) =>
        kataType.Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "KataDir")?.Value ?? kataType.Assembly.Location;
}
