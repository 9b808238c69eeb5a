/// Why an output file (`export --output PATH`) could not be written; the file at PATH is always left as it was.
public enum OutputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or its temporary file beside it, could not be created (missing folder, permissions).
    case cannotCreate(path: String, reason: String)
    /// Writing or saving it failed part-way (disk full, I/O error).
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "cannot create the output file \(path): \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write the output file \(path): \(reason); nothing was saved there and the file was left as it was"
        }
    }
}
